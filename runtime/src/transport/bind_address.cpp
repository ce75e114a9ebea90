#include "transport/bind_address.hpp"

#include <dc/errors.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <ifaddrs.h>
#include <netinet/in.h>

#include <memory>
#include <optional>
#include <vector>

namespace dc::detail {
namespace ip = boost::asio::ip;
namespace {

struct interface_address {
    std::string name;
    ip::address address;
};

std::vector<interface_address> local_addresses() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return {};
    std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> guard(list, ::freeifaddrs);
    std::vector<interface_address> out;
    for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        if (i->ifa_addr->sa_family == AF_INET) {
            auto* sin = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
            out.push_back({i->ifa_name, ip::make_address_v4(ntohl(sin->sin_addr.s_addr))});
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            auto* sin6 = reinterpret_cast<sockaddr_in6*>(i->ifa_addr);
            ip::address_v6::bytes_type b;
            std::copy(std::begin(sin6->sin6_addr.s6_addr), std::end(sin6->sin6_addr.s6_addr),
                      b.begin());
            out.push_back({i->ifa_name, ip::address_v6(b, sin6->sin6_scope_id)});
        }
    }
    return out;
}

std::string describe(const std::vector<interface_address>& all) {
    std::string text;
    for (const auto& a : all)
        text += (text.empty() ? "" : ", ") + a.name + " " + a.address.to_string();
    return text.empty() ? "none found" : text;
}

std::optional<ip::address> in_block(const std::string& spec,
                                    const std::vector<interface_address>& all) {
    boost::system::error_code ec;
    if (spec.find(':') == std::string::npos) {
        auto net = ip::make_network_v4(spec, ec);
        if (ec) return std::nullopt;
        for (const auto& a : all) {
            if (a.address.is_v4() &&
                ip::network_v4(a.address.to_v4(), net.prefix_length()).canonical() ==
                    net.canonical()) {
                return a.address;
            }
        }
    } else {
        auto net = ip::make_network_v6(spec, ec);
        if (ec) return std::nullopt;
        for (const auto& a : all) {
            if (a.address.is_v6() &&
                ip::network_v6(a.address.to_v6(), net.prefix_length()).canonical() ==
                    net.canonical()) {
                return a.address;
            }
        }
    }
    return std::nullopt;
}

} // namespace

std::string resolve_bind_address(const std::string& spec) {
    if (spec.empty()) return "127.0.0.1";
    boost::system::error_code ec;
    auto literal = ip::make_address(spec, ec);
    if (!ec) return literal.to_string();
    const auto all = local_addresses();
    if (spec.find('/') != std::string::npos) {
        if (auto found = in_block(spec, all)) return found->to_string();
        throw config_error("--bind-to " + spec +
                           ": no local address in that block (this host has: " + describe(all) +
                           ")");
    }
    std::optional<ip::address> v6;
    for (const auto& a : all) {
        if (a.name != spec) continue;
        if (a.address.is_v4()) return a.address.to_string();
        if (!v6) v6 = a.address;
    }
    if (v6) return v6->to_string();
    throw config_error(
        "--bind-to " + spec +
        ": not an address, CIDR block or interface of this host (it has: " + describe(all) + ")");
}

} // namespace dc::detail
