#include "helper/privileges.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "common/error.h"

namespace vswitch::helper {

namespace {

[[noreturn]] void fail(const std::string& what, int err) {
  throw Error(ErrorCode::SystemError, "cannot drop privileges: " + what + ": " + std::strerror(err));
}

int last_cap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int n = CAP_LAST_CAP;
  if (in) in >> n;
  return n;
}

}  // namespace

bool running_setuid_root() { return ::geteuid() == 0 && ::getuid() != 0; }

void drop_to_net_admin() {
  if (!running_setuid_root()) return;
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();

  // While still root: empty the bounding set except CAP_NET_ADMIN (needs CAP_SETPCAP).
  for (int cap = 0; cap <= last_cap(); ++cap) {
    if (cap == CAP_NET_ADMIN) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) fail("PR_CAPBSET_DROP", errno);
  }
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS", errno);
  if (::setresgid(gid, gid, gid) != 0) fail("setresgid", errno);
  if (::setresuid(uid, uid, uid) != 0) fail("setresuid", errno);

  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective = CAP_TO_MASK(CAP_NET_ADMIN);
  data[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted = CAP_TO_MASK(CAP_NET_ADMIN);
  if (::syscall(SYS_capset, &header, data) != 0) fail("capset", errno);
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS", errno);

  // Belt and braces: root must really be gone.
  if (::setuid(0) == 0 && uid != 0) fail("could regain uid 0", EPERM);
}

}  // namespace vswitch::helper
