#include "transport/endpoint.hpp"

#include <dc/errors.hpp>
#include <dc/launcher/address.hpp>
#include <dc/launcher/random_name.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <mutex>

namespace dc::detail {
namespace asio = boost::asio;
namespace {

asio::io_context& context() {
    // Sockets need one; it is never run (we poll descriptors). Never destroyed: listeners live
    // in the runtime, a static made before this one and so destroyed after it at exit.
    static auto* ctx = new asio::io_context;
    return *ctx;
}

int owned_fd(int fd) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

std::string random_name() {
    return "dcrun-" + launcher::random_hex(16);
}

template <class Protocol> class asio_listener final : public listener {
public:
    asio_listener(typename Protocol::endpoint ep, std::string address)
        : acceptor_(context()), address_(std::move(address)) {
        acceptor_.open(ep.protocol());
        if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
            acceptor_.set_option(asio::socket_base::reuse_address(true));
        }
        acceptor_.bind(ep);
        acceptor_.listen(asio::socket_base::max_listen_connections);
        acceptor_.non_blocking(true);
        owned_fd(acceptor_.native_handle());
        if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
            auto bound = acceptor_.local_endpoint();
            address_ = launcher::address::tcp(bound.address().to_string(), bound.port()).text();
        }
    }
    int fd() const override { return const_cast<asio_listener*>(this)->acceptor_.native_handle(); }
    const std::string& address() const override { return address_; }
    int accept_one() override {
        typename Protocol::socket socket(context());
        boost::system::error_code ec;
        acceptor_.accept(socket, ec);
        if (ec) return -1;
        if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
            socket.set_option(asio::ip::tcp::no_delay(true));
        }
        return owned_fd(socket.release());
    }

private:
    typename Protocol::acceptor acceptor_;
    std::string address_;
};

template <class Socket, class Connect>
int run_connect(Socket& socket, Connect start, const std::string& address,
                std::chrono::milliseconds timeout) {
    boost::system::error_code result = asio::error::would_block;
    start([&](const boost::system::error_code& ec, auto&&...) { result = ec; });
    context().restart();
    context().run_for(timeout);
    if (result == asio::error::would_block) {
        socket.close();
        context().run(); // let the cancelled operation finish
        throw dc::error("connecting to " + address + " timed out after " +
                        std::to_string(timeout.count()) + " ms");
    }
    if (result) throw dc::error("cannot connect to " + address + ": " + result.message());
    return owned_fd(socket.release());
}

} // namespace

bool is_local_address(const std::string& address) {
    try {
        return launcher::address::parse(address).same_host_only();
    } catch (const dc::error&) { // malformed: connect_to says what is wrong with it
        return false;
    }
}

std::unique_ptr<listener> listen_unix() {
    const std::string name = random_name();
    asio::local::stream_protocol::endpoint ep(std::string(1, '\0') + name);
    return std::make_unique<asio_listener<asio::local::stream_protocol>>(
        ep, launcher::address::unix_socket(name).text());
}

std::unique_ptr<listener> listen_tcp(const std::string& host) {
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    if (ec) throw dc::error("cannot listen on '" + host + "': not an IP address");
    try {
        return std::make_unique<asio_listener<asio::ip::tcp>>(asio::ip::tcp::endpoint(ip, 0), "");
    } catch (const boost::system::system_error& e) {
        throw dc::error("cannot listen on " + host + ": " + e.code().message());
    }
}

int connect_to(const std::string& address, std::chrono::milliseconds timeout) {
    // One connect at a time: the io_context is shared and connecting is rare.
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    const auto target = launcher::address::parse(address);
    if (target.same_host_only()) {
        asio::local::stream_protocol::socket socket(context());
        asio::local::stream_protocol::endpoint ep(std::string(1, '\0') + target.name);
        return run_connect(
            socket, [&](auto handler) { socket.async_connect(ep, handler); }, address, timeout);
    }
    asio::ip::tcp::resolver resolver(context());
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(target.host, target.port, ec);
    if (ec) throw dc::error("cannot resolve " + address + ": " + ec.message());
    asio::ip::tcp::socket socket(context());
    int fd = run_connect(
        socket, [&](auto handler) { asio::async_connect(socket, endpoints, handler); }, address,
        timeout);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

} // namespace dc::detail
