// The progress engine under real workers: calls that arrive while another call waits.

#include <dc/dc.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

class engine_test : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("DC_SPIN_US", "20000", 1); // waits spin 20 ms before they sleep
        ids_ = dc::addprocs(2);
    }
    void TearDown() override {
        dc::rmprocs(dc::workers());
        ::unsetenv("DC_SPIN_US");
    }
    std::vector<int> ids_;
};

void busy_for(std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
    }
}

} // namespace

TEST_F(engine_test, a_call_deferred_during_a_short_wait_runs_when_the_waiting_call_returns) {
    // The first call waits (within its spin) for the other worker, and a second call arrives
    // meanwhile: it is deferred. The first call then computes past the spin budget and returns.
    // The deferred call must run then, although nothing else arrives (it used to wait for the
    // next frame, up to an hour).
    const auto marker = fs::temp_directory_path() / ("dc_deferred_" + std::to_string(::getpid()));
    fs::remove(marker);
    int first = 0; // a fetch-mode call: its answer comes without asking the worker
    std::thread caller([&] {
        first = dc::remotecall_fetch(
            [](int other) {
                dc::remotecall_fetch(
                    [] { std::this_thread::sleep_for(std::chrono::milliseconds(10)); }, other);
                busy_for(std::chrono::milliseconds(60));
                return 1;
            },
            ids_[0], ids_[1]);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    auto second = dc::remotecall(
        [](const std::string& path) {
            std::ofstream(path) << "ran";
            return 2;
        },
        ids_[0], marker.string());
    caller.join();
    EXPECT_EQ(first, 1);
    // Look for the marker without sending the worker anything (a frame would wake it).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!fs::exists(marker) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(fs::exists(marker)) << "the deferred call did not run";
    EXPECT_EQ(second.fetch(), 2);
    fs::remove(marker);
}
