#include <dc/launcher/route.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <dc/errors.hpp>

namespace dc::launcher {
namespace asio = boost::asio;

namespace {

std::vector<asio::ip::address> resolve(const std::string& host) {
    asio::io_context io;
    asio::ip::udp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(host, "9", ec);
    if (ec) throw launch_error("cannot resolve host '" + host + "': " + ec.message());
    std::vector<asio::ip::address> out;
    for (const auto& r : results)
        out.push_back(r.endpoint().address());
    return out;
}

} // namespace

std::string source_address_towards(const std::string& host) {
    asio::io_context io;
    std::string why = "no address";
    for (const auto& address : resolve(host)) {
        asio::ip::udp::socket socket(io);
        boost::system::error_code ec;
        socket.connect({address, 9}, ec);
        if (!ec) return socket.local_endpoint().address().to_string();
        why = ec.message();
    }
    throw launch_error("no route to host '" + host + "': " + why);
}

bool is_loopback_host(const std::string& host) {
    try {
        for (const auto& address : resolve(host)) {
            if (!address.is_loopback()) return false;
        }
        return true;
    } catch (const launch_error&) {
        return false;
    }
}

std::string default_route_address() {
    try {
        return source_address_towards("192.0.2.1"); // TEST-NET-1: any off-host address will do
    } catch (const launch_error&) {
        return {}; // no route off this host: the workers can only be on this host
    }
}

} // namespace dc::launcher
