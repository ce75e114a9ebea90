// dc::interrupt: cooperative interrupts of running calls; the cluster stays usable.

#include "cluster_fixture.hpp"

#include "file_gate.hpp"

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;

/// Sleeps (interruptibly) for a minute; `started` tells the test it runs.
int sleep_a_minute(const std::string& started) {
    std::ofstream(started).put('x');
    dc::sleep_for(60s);
    return 1;
}

/// Computes until interrupted, asking now and then as a long loop would.
long long compute_until_interrupted(const std::string& started) {
    std::ofstream(started).put('x');
    long long steps = 0;
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (!dc::interrupted() && std::chrono::steady_clock::now() < give_up)
        ++steps;
    dc::check_interrupt(); // throws: it was
    return -steps;
}

/// Waits on an empty channel.
int take_from(dc::remote_channel<int> ch, const std::string& started) {
    std::ofstream(started).put('x');
    return ch.take();
}

void expect_interrupted(dc::future<int>& f) {
    try {
        f.fetch();
        FAIL() << "expected the call to be interrupted";
    } catch (const dc::remote_exception& e) {
        EXPECT_EQ(e.type_name(), "dc::interrupted_error") << e.what();
    }
}

} // namespace

TEST_F(cluster_test, interrupt_ends_a_dc_wait_inside_a_running_call) {
    file_gate started("dc_interrupt_sleep");
    auto f = dc::remotecall(sleep_a_minute, ids_[0], started.path());
    ASSERT_TRUE(wait_for_file(started.path()));
    dc::interrupt({ids_[0]});
    expect_interrupted(f);
    // The worker serves again, and a new call is not interrupted.
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::interrupted(); }, ids_[0]), false);
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[0]), ids_[0]);
}

TEST_F(cluster_test, interrupt_reaches_a_call_that_computes_and_asks) {
    file_gate started("dc_interrupt_compute");
    auto f = dc::remotecall(compute_until_interrupted, ids_[1], started.path());
    ASSERT_TRUE(wait_for_file(started.path()));
    dc::interrupt(); // every worker
    try {
        f.fetch();
        FAIL() << "expected the call to be interrupted";
    } catch (const dc::remote_exception& e) {
        EXPECT_EQ(e.type_name(), "dc::interrupted_error") << e.what();
    }
}

TEST_F(cluster_test, interrupt_ends_a_channel_take_and_only_the_calls_running_now) {
    file_gate started("dc_interrupt_take");
    dc::remote_channel<int> ch(1, 1);
    dc::future<int> waiting = dc::remotecall(take_from, ids_[0], ch, started.path());
    ASSERT_TRUE(wait_for_file(started.path()));
    dc::interrupt({ids_[0]});
    expect_interrupted(waiting);
    std::filesystem::remove(started.path());
    auto later = dc::remotecall(take_from, ids_[0], ch, started.path());
    ASSERT_TRUE(wait_for_file(started.path()));
    ch.put(5); // goes to the waiting take, not to the one that was interrupted
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!later.isready() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(later.isready()) << "the item went to the interrupted take";
    EXPECT_EQ(later.fetch(), 5);
}

TEST_F(cluster_test, outside_calls_interrupted_is_false_and_check_interrupt_does_nothing) {
    EXPECT_FALSE(dc::interrupted());
    EXPECT_NO_THROW(dc::check_interrupt());
    const auto start = std::chrono::steady_clock::now();
    dc::sleep_for(20ms);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
    EXPECT_THROW(dc::interrupt({999}), dc::process_exited);
}
