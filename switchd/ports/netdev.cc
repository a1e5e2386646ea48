#include "switchd/ports/netdev.h"

#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <cstring>

#include "common/error.h"
#include "common/ifname.h"

namespace vswitch {

namespace {

struct LinkDeleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

struct MsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

LinkPtr alloc_link() {
  LinkPtr l(rtnl_link_alloc());
  if (!l) throw Error(ErrorCode::SystemError, "out of memory allocating a netlink link object");
  return l;
}

std::string nl_text(int nl_err) { return nl_geterror(nl_err < 0 ? -nl_err : nl_err); }

std::optional<TunInfo> parse_tun_info(nlattr* data) {
  nlattr* tb[IFLA_TUN_MAX + 1] = {};
  if (nla_parse_nested(tb, IFLA_TUN_MAX, data, nullptr) < 0) return std::nullopt;
  if (!tb[IFLA_TUN_TYPE]) return std::nullopt;  // older kernels do not describe tun devices
  TunInfo t;
  t.tap = nla_get_u8(tb[IFLA_TUN_TYPE]) == IFF_TAP;
  auto flag = [&](int attr) { return tb[attr] && nla_get_u8(tb[attr]) != 0; };
  t.persist = flag(IFLA_TUN_PERSIST);
  t.multi_queue = flag(IFLA_TUN_MULTI_QUEUE);
  t.vnet_hdr = flag(IFLA_TUN_VNET_HDR);
  if (tb[IFLA_TUN_NUM_QUEUES]) t.queues = nla_get_u32(tb[IFLA_TUN_NUM_QUEUES]);
  if (tb[IFLA_TUN_NUM_DISABLED_QUEUES]) t.disabled_queues = nla_get_u32(tb[IFLA_TUN_NUM_DISABLED_QUEUES]);
  return t;
}

// Collects the replies to one request: link messages, and the errno of an NLMSG_ERROR.
struct Replies {
  std::vector<LinkInfo> links;
  int error = 0;  // positive errno from the kernel
};

int on_valid(nl_msg* msg, void* arg) {
  if (auto info = parse_link_message(nlmsg_hdr(msg))) static_cast<Replies*>(arg)->links.push_back(*info);
  return NL_OK;
}

int on_error(sockaddr_nl*, nlmsgerr* err, void* arg) {
  static_cast<Replies*>(arg)->error = -err->error;
  return NL_STOP;
}

// Sends query `msg` (with NLM_F_ACK, as libnl's sequence checking expects) and reads every reply to it,
// through the final ACK or error: nothing is left queued to be mistaken for the next answer.
Replies transact(nl_sock* sock, nl_msg* msg) {
  Replies r;
  int err = nl_send_auto(sock, msg);
  if (err < 0) throw Error(ErrorCode::SystemError, "rtnetlink send failed: " + nl_text(err));
  std::unique_ptr<nl_cb, decltype(&nl_cb_put)> cb(nl_cb_clone(nl_socket_get_cb(sock)), &nl_cb_put);
  if (!cb) throw Error(ErrorCode::SystemError, "out of memory allocating a netlink callback");
  nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
  nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &r);
  err = nl_recvmsgs(sock, cb.get());
  // A single answer (not a dump) is followed by its ACK; an error is the ACK.
  if (err >= 0 && r.error == 0 && !(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP)) err = nl_wait_for_ack(sock);
  if (err < 0 && r.error == 0)
    throw Error(ErrorCode::SystemError, "rtnetlink receive failed: " + nl_text(err));
  return r;
}

void check_change(int err, int ifindex, const char* what) {
  if (err >= 0) return;
  const std::string text = std::string("cannot ") + what + " of link " + std::to_string(ifindex) + ": ";
  if (-err == NLE_OBJ_NOTFOUND || -err == NLE_NODEV)
    throw Error(ErrorCode::NoSuchDevice, text + "no such device");
  throw Error(ErrorCode::SystemError, text + nl_text(err));
}

}  // namespace

std::optional<LinkInfo> parse_link_message(const nlmsghdr* hdr) {
  if (hdr->nlmsg_type != RTM_NEWLINK && hdr->nlmsg_type != RTM_DELLINK) return std::nullopt;
  auto* h = const_cast<nlmsghdr*>(hdr);  // libnl's parsers take non-const pointers but only read
  if (!nlmsg_valid_hdr(h, sizeof(ifinfomsg))) return std::nullopt;
  nlattr* tb[IFLA_MAX + 1] = {};
  if (nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0) return std::nullopt;
  const auto* ifi = static_cast<const ifinfomsg*>(nlmsg_data(h));
  // AF_BRIDGE messages on the same group describe bridge-port state, not the link itself.
  if (ifi->ifi_family != AF_UNSPEC) return std::nullopt;

  LinkInfo info;
  info.ifindex = ifi->ifi_index;
  info.arp_type = ifi->ifi_type;
  info.admin_up = (ifi->ifi_flags & IFF_UP) != 0;
  info.running = (ifi->ifi_flags & IFF_RUNNING) != 0;
  if (tb[IFLA_IFNAME]) {
    const auto* s = static_cast<const char*>(nla_data(tb[IFLA_IFNAME]));
    info.name.assign(s, strnlen(s, static_cast<std::size_t>(nla_len(tb[IFLA_IFNAME]))));
  }
  if (tb[IFLA_MTU]) info.mtu = nla_get_u32(tb[IFLA_MTU]);
  if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
    info.mac = MacAddress::from_bytes(
        std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(nla_data(tb[IFLA_ADDRESS])), 6));
  }
  if (tb[IFLA_LINKINFO]) {
    nlattr* li[IFLA_INFO_MAX + 1] = {};
    if (nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], nullptr) >= 0) {
      if (li[IFLA_INFO_KIND]) {
        const auto* s = static_cast<const char*>(nla_data(li[IFLA_INFO_KIND]));
        info.kind.assign(s, strnlen(s, static_cast<std::size_t>(nla_len(li[IFLA_INFO_KIND]))));
      }
      if (info.kind == "tun" && li[IFLA_INFO_DATA]) info.tun = parse_tun_info(li[IFLA_INFO_DATA]);
    }
  }
  return info;
}

void RouteSocket::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

RouteSocket::RouteSocket() : sock_(nl_socket_alloc()) {
  if (!sock_) throw Error(ErrorCode::SystemError, "out of memory allocating a netlink socket");
  if (int err = nl_connect(sock_.get(), NETLINK_ROUTE); err < 0)
    throw Error(ErrorCode::SystemError, "cannot open an rtnetlink socket: " + nl_text(err));
}

RouteSocket::~RouteSocket() = default;

std::optional<LinkInfo> RouteSocket::get(int ifindex, const char* name) {
  nl_msg* raw = nullptr;
  if (int err = rtnl_link_build_get_request(ifindex, name, &raw); err < 0)
    throw Error(ErrorCode::SystemError, "cannot build a link request: " + nl_text(err));
  MsgPtr msg(raw);
  Replies r = transact(sock_.get(), msg.get());
  if (r.error == ENODEV || r.error == ENOENT) return std::nullopt;
  if (r.error != 0)
    throw Error(ErrorCode::SystemError, std::string("link query failed: ") + std::strerror(r.error));
  if (r.links.empty()) return std::nullopt;
  return r.links.front();
}

std::optional<LinkInfo> RouteSocket::find_link(std::string_view name) {
  if (!validate_ifname(name).empty()) return std::nullopt;  // no link can have that name
  const std::string n(name);
  return get(0, n.c_str());
}

std::optional<LinkInfo> RouteSocket::find_link(int ifindex) {
  if (ifindex <= 0) return std::nullopt;
  return get(ifindex, nullptr);
}

std::vector<LinkInfo> RouteSocket::list_links() {
  MsgPtr msg(nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP));
  if (!msg) throw Error(ErrorCode::SystemError, "out of memory allocating a netlink message");
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  if (nlmsg_append(msg.get(), &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
    throw Error(ErrorCode::SystemError, "cannot build a link dump request");
  Replies r = transact(sock_.get(), msg.get());
  if (r.error != 0)
    throw Error(ErrorCode::SystemError, std::string("link dump failed: ") + std::strerror(r.error));
  return std::move(r.links);
}

void RouteSocket::set_link_up(int ifindex) {
  LinkPtr orig = alloc_link();
  LinkPtr change = alloc_link();
  rtnl_link_set_ifindex(orig.get(), ifindex);
  rtnl_link_set_flags(change.get(), IFF_UP);
  check_change(rtnl_link_change(sock_.get(), orig.get(), change.get(), 0), ifindex, "bring up");
}

void RouteSocket::set_mtu(int ifindex, std::uint32_t mtu) {
  LinkPtr orig = alloc_link();
  LinkPtr change = alloc_link();
  rtnl_link_set_ifindex(orig.get(), ifindex);
  rtnl_link_set_mtu(change.get(), mtu);
  check_change(rtnl_link_change(sock_.get(), orig.get(), change.get(), 0), ifindex, "set the MTU");
}

std::optional<LinkInfo> find_link(std::string_view name) { return RouteSocket().find_link(name); }
std::optional<LinkInfo> find_link(int ifindex) { return RouteSocket().find_link(ifindex); }
void set_link_up(int ifindex) { RouteSocket().set_link_up(ifindex); }

}  // namespace vswitch
