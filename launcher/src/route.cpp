#include <dc/launcher/route.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <stdexcept>

namespace dc::launcher {
namespace asio = boost::asio;

namespace {

std::vector<asio::ip::address> resolve(const std::string& host) {
    asio::io_context io;
    asio::ip::udp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(host, "9", ec);
    if (ec) throw std::runtime_error("cannot resolve host '" + host + "': " + ec.message());
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
    throw std::runtime_error("no route to host '" + host + "': " + why);
}

bool is_loopback_host(const std::string& host) {
    try {
        for (const auto& address : resolve(host)) {
            if (!address.is_loopback()) return false;
        }
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

} // namespace dc::launcher
