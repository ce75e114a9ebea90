// Heartbeats: a worker that stops answering (SIGSTOP: as a host that vanished, it sends nothing
// and closes nothing) is declared dead after the heartbeat limit, with a reason; a worker busy in
// a long call is not.

#include <dc/dc.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <future>
#include <string>
#include <thread>

#include <unistd.h>

namespace {

dc::options with_heartbeat(double seconds) {
    dc::options o;
    o.heartbeat = seconds;
    return o;
}

int os_pid_of(int id) {
    return dc::remotecall_fetch([] { return static_cast<int>(::getpid()); }, id);
}

} // namespace

TEST(heartbeat, a_worker_that_goes_silent_is_declared_dead_with_the_reason) {
    const auto ids = dc::addprocs(2, with_heartbeat(1.5));
    const int silent = os_pid_of(ids[0]);
    std::promise<std::string> outcome;
    auto result = outcome.get_future();
    std::thread caller([&] {
        try {
            dc::remotecall_fetch(
                [] { std::this_thread::sleep_for(std::chrono::milliseconds(500)); }, ids[0]);
            outcome.set_value("returned");
        } catch (const dc::process_exited& e) {
            outcome.set_value(e.what());
        } catch (const std::exception& e) {
            outcome.set_value(std::string("other error: ") + e.what());
        }
    });
    ASSERT_EQ(::kill(silent, SIGSTOP), 0);
    const bool answered = result.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    ::kill(silent, SIGKILL); // ends the call anyway if the heartbeat did not
    caller.join();
    ASSERT_TRUE(answered) << "the call to a silent worker never failed";
    const auto why = result.get();
    EXPECT_NE(why.find("process " + std::to_string(ids[0]) + " exited"), std::string::npos) << why;
    EXPECT_NE(why.find("no heartbeat from worker " + std::to_string(ids[0])), std::string::npos)
        << why;
    EXPECT_NE(why.find("for 1.5 s"), std::string::npos) << why;
    // The rest of the cluster goes on; a later call to the dead one fails at once.
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids[1]), ids[1]);
    EXPECT_THROW(dc::remotecall_fetch([] { return 1; }, ids[0]), dc::process_exited);
    EXPECT_EQ(dc::workers(), std::vector<int>{ids[1]});
    dc::rmprocs(dc::workers());
}

TEST(heartbeat, a_worker_busy_in_a_long_call_is_not_declared_dead) {
    const auto ids = dc::addprocs(1, with_heartbeat(1));
    const auto answer = dc::remotecall_fetch(
        [] {
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
            long spins = 0;
            while (std::chrono::steady_clock::now() < until)
                ++spins; // never waits in dc: nothing reads this worker's links meanwhile
            return spins > 0 ? 42 : 0;
        },
        ids[0]);
    EXPECT_EQ(answer, 42);
    EXPECT_EQ(dc::workers(), ids);
    dc::rmprocs(ids);
}
