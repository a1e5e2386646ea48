// Aligned text tables for vswitchctl's human output: every column as wide as its widest cell,
// two spaces between columns, numbers right-aligned.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace vswitch::ctl {

class Table {
 public:
  enum class Align { Left, Right };
  struct Column {
    std::string header;
    Align align = Align::Left;
  };

  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }
  // Writes the header and the rows, each line prefixed with `indent`; no trailing spaces.
  void print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace vswitch::ctl
