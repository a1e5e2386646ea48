#include "switchd/core/drop_reason.h"

namespace vswitch {

namespace {
constexpr std::array<std::string_view, kDropReasonCount> kNames = {
#define VSWITCH_X(name, desc) #name,
    VSWITCH_DROP_REASONS(VSWITCH_X)
#undef VSWITCH_X
};
constexpr std::array<std::string_view, kDropReasonCount> kDescriptions = {
#define VSWITCH_X(name, desc) desc,
    VSWITCH_DROP_REASONS(VSWITCH_X)
#undef VSWITCH_X
};
}  // namespace

std::string_view drop_reason_name(DropReason r) { return kNames.at(static_cast<std::size_t>(r)); }
std::string_view drop_reason_description(DropReason r) {
  return kDescriptions.at(static_cast<std::size_t>(r));
}

}  // namespace vswitch
