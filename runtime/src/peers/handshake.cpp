#include "peers/handshake.hpp"

#include "transport/endpoint.hpp"
#include "util/build_id.hpp"
#include "util/log.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>

namespace dc::detail {

void authenticate(connection& c, int peer) {
    c.peer_id = peer;
    c.set_frame_limit(UINT64_MAX >> 1);
    c.set_label(peer == 1 ? std::string("master") : "worker " + std::to_string(peer));
    c.authenticated = true;
}

bool cookie_matches(const std::string& expected, const std::string& offered) noexcept {
    if (offered.size() != expected.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < offered.size(); ++i) {
        diff |= static_cast<unsigned char>(offered[i] ^ expected[i]);
    }
    return diff == 0;
}

bytes peer_hello_frame(const std::string& cookie, int from) {
    bytes frame{static_cast<char>(kind::peer_hello)};
    encode_into(frame, peer_hello_msg{protocol_magic, cookie, from, main_build_id()});
    return frame;
}

std::string check_peer_hello(std::span<const char> frame, const std::string& cookie,
                             peer_hello_msg& hello) {
    try {
        hello = decode_as<peer_hello_msg>(frame.subspan(1));
    } catch (const std::exception&) {
        return "malformed peer greeting";
    }
    if (hello.magic != protocol_magic) return "not a dc peer";
    if (!cookie_matches(cookie, hello.cookie)) return "wrong cluster cookie";
    if (hello.build_id != main_build_id()) {
        return "worker " + std::to_string(hello.from) + " runs a different build";
    }
    return "";
}

std::shared_ptr<connection> open_peer_link(const peer_info& peer, const link_opener& me) {
    std::string errors;
    const bool tcp_only = launcher::env::get(launcher::env::transport).value_or("") == "tcp";
    for (const auto& address : peer.addresses) {
        if (is_local_address(address) && (peer.host != me.host || tcp_only)) continue;
        try {
            auto c = std::make_shared<connection>(connect_to(address, me.timeout),
                                                  "worker " + std::to_string(peer.id));
            c->send(peer_hello_frame(me.cookie, me.self));
            authenticate(*c, peer.id);
            DC_LOG(debug, "linked to worker " << peer.id << " at " << address);
            return c;
        } catch (const dc::error& e) {
            errors += std::string(errors.empty() ? "" : "; ") + e.what();
        }
    }
    throw process_exited(peer.id, "cannot link to worker " + std::to_string(peer.id) + " on " +
                                      peer.host + ": " + (errors.empty() ? "no address" : errors));
}

} // namespace dc::detail
