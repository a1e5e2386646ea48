// Hands a file descriptor to the process at the other end of a UNIX socket (SCM_RIGHTS), the way
// qemu-bridge-helper answers qemu: one message, a 1-byte payload, one fd. qemu needs both the fd and
// the helper's exit status 0 (net/tap.c:recv_fd).
#pragma once

namespace vswitch::helper {

// Throws vswitch::Error (SystemError) when the message cannot be sent.
void send_fd(int unix_socket, int fd_to_pass);

}  // namespace vswitch::helper
