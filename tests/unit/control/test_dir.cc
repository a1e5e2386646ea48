#include "tests/unit/control/test_dir.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace vswitch::test {

TestDir::TestDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vswitch-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TestDir::~TestDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace vswitch::test
