// Every connection must authenticate; bad input is dropped without harming the listener.

#include "cluster_fixture.hpp"

#include "cluster/runtime.hpp"
#include "protocol/messages.hpp"
#include "transport/endpoint.hpp"

#include <fstream>
#include <iterator>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

std::string master_tcp_address() {
    for (const auto& a : dc::detail::runtime::instance().addresses()) {
        if (a.rfind("tcp:", 0) == 0) return a;
    }
    return {};
}

/// Sends `bytes` to the master and reports whether it hung up on us (within 10 s).
bool master_hangs_up_after(const std::string& bytes) {
    int fd = dc::detail::connect_to(master_tcp_address(), std::chrono::seconds(5));
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    char buf[256];
    bool hung_up = false;
    for (int i = 0; i < 100 && !hung_up; ++i) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            hung_up = n <= 0;
        }
    }
    ::close(fd);
    return hung_up;
}

std::string frame(const dc::detail::bytes& body) {
    std::string out(8, '\0');
    std::uint64_t n = body.size();
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return out + std::string(body.begin(), body.end());
}

std::string hello_with_cookie(const std::string& cookie) {
    dc::detail::hello_msg hello{dc::detail::protocol_magic, cookie, 2, 1, "intruder", "", {}};
    dc::detail::bytes body{static_cast<char>(dc::detail::kind::hello)};
    dc::detail::encode_into(body, hello);
    return frame(body);
}

} // namespace

TEST_F(cluster_test, a_wrong_cookie_is_refused) {
    EXPECT_TRUE(master_hangs_up_after(hello_with_cookie(std::string(32, 'x'))));
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[0]), ids_[0]);
}

TEST_F(cluster_test, garbage_bytes_are_refused) {
    EXPECT_TRUE(master_hangs_up_after("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(
        master_hangs_up_after(frame({'\x04', 'j', 'u', 'n', 'k'}))); // a call, unauthenticated
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[1]), ids_[1]);
}

TEST_F(cluster_test, absurd_frame_lengths_are_refused_before_allocating) {
    EXPECT_TRUE(master_hangs_up_after(std::string(8, '\xff')));
    EXPECT_TRUE(master_hangs_up_after(frame(dc::detail::bytes(70 * 1024, '\x01'))));
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[0]), ids_[0]);
}

TEST_F(cluster_test, a_worker_refuses_peers_without_the_cookie) {
    auto worker_tcp = dc::remotecall_fetch(
        [] { return dc::detail::runtime::instance().addresses()[1]; }, ids_[0]);
    int fd = dc::detail::connect_to(worker_tcp, std::chrono::seconds(5));
    dc::detail::peer_hello_msg hello{dc::detail::protocol_magic, "wrong", 1, ""};
    dc::detail::bytes body{static_cast<char>(dc::detail::kind::peer_hello)};
    dc::detail::encode_into(body, hello);
    auto bytes = frame(body);
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    pollfd p{fd, POLLIN, 0};
    ASSERT_GT(::poll(&p, 1, 10000), 0);
    char c;
    EXPECT_LE(::recv(fd, &c, 1, 0), 0);
    ::close(fd);
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[0]), ids_[0]);
}

TEST_F(cluster_test, the_cookie_is_on_no_command_line) {
    const auto cookie = dc::detail::runtime::instance().cookie();
    for (int id : dc::workers()) {
        const int pid = dc::remotecall_fetch([] { return static_cast<int>(::getpid()); }, id);
        std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ASSERT_FALSE(cmdline.empty());
        EXPECT_EQ(cmdline.find(cookie), std::string::npos);
    }
}
