#include "transport/connection.hpp"

#include <dc/errors.hpp>

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace dc::detail;

namespace {
struct socket_pair {
    std::shared_ptr<connection> a, b;
    socket_pair() {
        int fds[2];
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
        a = std::make_shared<connection>(fds[0], "a");
        b = std::make_shared<connection>(fds[1], "b");
    }
};

bool read_all(connection& c, std::deque<inbound>& out, std::size_t want, std::string& why) {
    while (out.size() < want) {
        pollfd p{c.fd(), POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return false;
        if (!c.read_frames(out, why)) return false;
    }
    return true;
}
} // namespace

TEST(connection, frames_keep_their_boundaries) {
    socket_pair s;
    s.b->set_frame_limit(1 << 30);
    std::string head = "head";
    bytes body(3 * 1024 * 1024, 'z'); // larger than one read chunk
    s.a->send(std::span<const char>(head.data(), head.size()));
    std::thread writer([&] { s.a->send(std::span<const char>(head.data(), 1), body); });
    std::deque<inbound> got;
    std::string why;
    ASSERT_TRUE(read_all(*s.b, got, 2, why)) << why;
    writer.join();
    EXPECT_EQ(std::string(got[0].body.begin(), got[0].body.end()), "head");
    EXPECT_EQ(got[1].body.size(), 1 + body.size());
    EXPECT_EQ(got[1].body.back(), 'z');
}

TEST(connection, oversized_frames_are_refused_before_allocating) {
    socket_pair s; // default limit: the handshake limit
    char header[8];
    std::uint64_t n = connection::handshake_frame_limit + 1;
    for (int i = 0; i < 8; ++i)
        header[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    ASSERT_EQ(::write(s.a->fd(), header, 8), 8);
    std::deque<inbound> got;
    std::string why;
    pollfd p{s.b->fd(), POLLIN, 0};
    ::poll(&p, 1, 5000);
    EXPECT_FALSE(s.b->read_frames(got, why));
    EXPECT_NE(why.find("refused"), std::string::npos) << why;
}

TEST(connection, end_of_stream_is_reported) {
    socket_pair s;
    s.a->shut_down();
    std::deque<inbound> got;
    std::string why;
    pollfd p{s.b->fd(), POLLIN, 0};
    ::poll(&p, 1, 5000);
    EXPECT_FALSE(s.b->read_frames(got, why));
    EXPECT_EQ(why, "end of stream");
}

TEST(connection, sending_to_a_closed_peer_throws) {
    socket_pair s;
    s.b.reset(); // closes its end
    std::string head = "x";
    EXPECT_THROW(
        {
            for (int i = 0; i < 100; ++i)
                s.a->send(std::span<const char>(head.data(), 1));
        },
        dc::error);
}
