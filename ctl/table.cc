#include "ctl/table.h"

#include <algorithm>

namespace vswitch::ctl {

void Table::print(std::ostream& out, const std::string& indent) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].header.size();
    for (const auto& row : rows_)
      if (c < row.size()) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](auto cell_of) {
    std::string text = indent;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cell_of(c);
      const std::string pad(width[c] - cell.size(), ' ');
      if (c > 0) text += "  ";
      text += columns_[c].align == Align::Right ? pad + cell : cell + pad;
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out << text << '\n';
  };
  static const std::string kEmpty;
  line([&](std::size_t c) -> const std::string& { return columns_[c].header; });
  for (const auto& row : rows_)
    line([&](std::size_t c) -> const std::string& { return c < row.size() ? row[c] : kEmpty; });
}

}  // namespace vswitch::ctl
