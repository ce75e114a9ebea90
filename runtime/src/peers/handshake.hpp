#pragma once
// How a connection becomes a trusted link to another process of the cluster: the greeting a
// process sends (peer_hello) or a worker sends its master (hello), the checks of cookie, magic
// and build, and authenticate(), the one place that marks a connection as a peer's link.

#include "protocol/messages.hpp"
#include "transport/connection.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string>

namespace dc::detail {

/// Marks `c` as the authenticated link to process `peer` ("master" for 1, else "worker N"):
/// from now on its frames are dispatched and may be as large as they come.
void authenticate(connection& c, int peer);

/// Compares a cookie in constant time.
bool cookie_matches(const std::string& expected, const std::string& offered) noexcept;

/// The greeting that opens a link from process `from` to another worker.
bytes peer_hello_frame(const std::string& cookie, int from);

/// Why a peer's greeting (a whole frame, kind byte first) is refused: "" when its magic,
/// cookie and build are right; fills `hello`. Membership is for the caller to check.
std::string check_peer_hello(std::span<const char> frame, const std::string& cookie,
                             peer_hello_msg& hello);

/// Who opens a link and how long a connect may take.
struct link_opener {
    int self = 0;
    std::string host;   ///< this process's host: Unix-socket addresses only on the same host
    std::string cookie; ///< the cluster cookie, sent in the greeting
    std::chrono::milliseconds timeout{10'000};
};

/// Connects to `peer` at the first address that answers, greets it and authenticates the
/// link. Throws dc::process_exited naming the peer and why each address failed.
std::shared_ptr<connection> open_peer_link(const peer_info& peer, const link_opener& me);

} // namespace dc::detail
