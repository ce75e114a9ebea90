// The handshake between workers: what a greeting must show (magic, cookie, build), and what
// authenticating a connection changes.

#include "peers/handshake.hpp"
#include "peers/peer_table.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/errors.hpp>

#include <gtest/gtest.h>

#include <sys/socket.h>

using namespace dc::detail;

namespace {

const std::string cookie = "0123456789abcdef0123456789abcdef";

std::shared_ptr<connection> unconnected(const std::string& label) {
    int fds[2];
    ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
    ::close(fds[1]);
    return std::make_shared<connection>(fds[0], label);
}

} // namespace

TEST(handshake, a_greeting_with_the_cookie_and_build_is_accepted) {
    const auto frame = peer_hello_frame(cookie, 4);
    peer_hello_msg hello;
    EXPECT_EQ(check_peer_hello(frame, cookie, hello), "");
    EXPECT_EQ(hello.from, 4);
}

TEST(handshake, each_wrong_part_of_a_greeting_is_named) {
    peer_hello_msg hello;
    EXPECT_EQ(check_peer_hello(peer_hello_frame("wrong", 4), cookie, hello),
              "wrong cluster cookie");
    bytes garbage{static_cast<char>(kind::peer_hello), 'x', 'y'};
    EXPECT_EQ(check_peer_hello(garbage, cookie, hello), "malformed peer greeting");
    bytes other_magic{static_cast<char>(kind::peer_hello)};
    encode_into(other_magic, peer_hello_msg{"http/1.1", cookie, 4, "b"});
    EXPECT_EQ(check_peer_hello(other_magic, cookie, hello), "not a dc peer");
    bytes other_build{static_cast<char>(kind::peer_hello)};
    encode_into(other_build, peer_hello_msg{protocol_magic, cookie, 5, "not-this-build"});
    EXPECT_EQ(check_peer_hello(other_build, cookie, hello), "worker 5 runs a different build");
}

TEST(handshake, cookies_compare_whole) {
    EXPECT_TRUE(cookie_matches(cookie, cookie));
    EXPECT_FALSE(cookie_matches(cookie, cookie.substr(0, 31)));
    EXPECT_FALSE(cookie_matches(cookie, cookie + "0"));
    EXPECT_FALSE(cookie_matches(cookie, std::string(32, '0')));
}

TEST(handshake, authenticating_marks_the_link_and_names_the_peer) {
    auto c = unconnected("unauthenticated peer");
    EXPECT_FALSE(c->authenticated);
    authenticate(*c, 7);
    EXPECT_TRUE(c->authenticated);
    EXPECT_EQ(c->peer_id, 7);
    EXPECT_EQ(c->label(), "worker 7");
    auto m = unconnected("x");
    authenticate(*m, 1);
    EXPECT_EQ(m->label(), "master");
}

TEST(peer_table, links_are_attached_once_and_unknown_processes_are_named) {
    peer_table peers;
    peers.add({3, "node3", {"tcp:10.0.0.3:1"}}, nullptr);
    EXPECT_EQ(peers.ids(1), (std::vector<int>{1, 3}));
    peer_info info;
    EXPECT_EQ(peers.link_or_info(3, info), nullptr);
    EXPECT_EQ(info.host, "node3");
    auto first = unconnected("first");
    auto second = unconnected("second");
    EXPECT_EQ(peers.attach(3, first), first);
    EXPECT_EQ(peers.attach(3, second), first) << "the link made first is kept";
    peers.attach_incoming(9, second); // a peer that linked to us: now known, with its link
    EXPECT_TRUE(peers.knows(9));
    EXPECT_EQ(peers.remove(3), first);
    EXPECT_THROW(peers.link_or_info(3, info), dc::process_exited);
    EXPECT_THROW(peers.attach(3, second), dc::process_exited);
}
