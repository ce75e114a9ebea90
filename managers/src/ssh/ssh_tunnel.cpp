// The reverse tunnel of an ssh link: a port forwarded on the worker's host to the master, for
// workers that cannot reach the master's address themselves (ssh.tunnel).

#include "ssh/ssh_io.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/address.hpp>

#include <libssh/libssh.h>

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cerrno>
#include <cstring>

namespace dc::managers {
namespace {

/// A blocking TCP connection to a "tcp:IP:PORT" address, or -1.
int connect_tcp(const std::string& text) {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    const auto target = launcher::address::parse(text);
    const auto ip = asio::ip::make_address(target.host, ec);
    if (ec) return -1;
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({ip, static_cast<unsigned short>(std::stoi(target.port))}, ec);
    if (ec) return -1;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    return socket.release(ec);
}

bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const auto n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

int ssh_link::open_reverse_tunnel(const std::string& master_address) {
    std::lock_guard lock(mutex_);
    int port = 0;
    if (ssh_channel_listen_forward(as_session(session_), "127.0.0.1", 0, &port) != SSH_OK) {
        throw launch_error("ssh manager: " + host_.display() +
                           ": sshd refused the reverse tunnel (" +
                           ssh_get_error(as_session(session_)) +
                           "); allow it with AllowTcpForwarding yes in its sshd_config, or "
                           "turn ssh.tunnel off and use --bind-to so workers reach the master");
    }
    tunnel_target_ = master_address;
    return port;
}

void ssh_link::service_tunnel() {
    auto s = as_session(session_);
    for (;;) {
        int port = 0;
        ssh_channel channel = ssh_channel_open_forward_port(s, 0, &port, nullptr, nullptr);
        if (!channel) break;
        const int fd = connect_tcp(tunnel_target_);
        if (fd < 0) {
            ssh_channel_free(channel);
            continue;
        }
        relays_.push_back(std::make_unique<relay>(relay{channel, fd}));
    }
    std::array<char, 65536> buf{};
    for (auto it = relays_.begin(); it != relays_.end();) {
        auto& r = **it;
        bool done = false;
        for (;;) { // worker -> master
            const int n = ssh_channel_read_nonblocking(r.channel, buf.data(), buf.size(), 0);
            if (n < 0 || (n == 0 && ssh_channel_is_eof(r.channel))) done = true;
            if (n <= 0) break;
            if (!send_all(r.fd, buf.data(), static_cast<std::size_t>(n))) done = true;
        }
        for (;;) { // master -> worker
            const auto n = ::recv(r.fd, buf.data(), buf.size(), MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) done = true;
            if (n <= 0) break;
            if (!write_channel(r.channel, buf.data(), static_cast<std::size_t>(n))) done = true;
        }
        if (done) {
            ssh_channel_send_eof(r.channel);
            ssh_channel_close(r.channel);
            ssh_channel_free(r.channel);
            ::close(r.fd);
            it = relays_.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace dc::managers
