#include "helper/fd_passing.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.h"

namespace vswitch::helper {

void send_fd(int unix_socket, int fd_to_pass) {
  char payload = 0;
  iovec iov{&payload, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &fd_to_pass, sizeof(int));

  ssize_t n;
  do {
    n = ::sendmsg(unix_socket, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n != 1)
    throw Error(ErrorCode::SystemError, "cannot pass the TAP to qemu over fd " + std::to_string(unix_socket) +
                                            ": " + std::strerror(n < 0 ? errno : EIO));
}

}  // namespace vswitch::helper
