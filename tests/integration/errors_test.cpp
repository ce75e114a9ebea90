// Errors: remote exceptions keep the worker serving; a dead worker fails its calls clearly.

#include "cluster_fixture.hpp"

#include <csignal>
#include <unistd.h>

namespace {
struct custom_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
int fail_with(int code) {
    if (code == 1) throw custom_error("custom trouble");
    if (code == 2) throw 42; // not a std::exception
    return code;
}
} // namespace

TEST_F(cluster_test, a_remote_throw_arrives_as_remote_exception) {
    try {
        dc::remotecall_fetch(fail_with, ids_[0], 1);
        FAIL() << "expected remote_exception";
    } catch (const dc::remote_exception& e) {
        EXPECT_EQ(e.pid(), ids_[0]);
        const auto worker_pid =
            dc::remotecall_fetch([] { return static_cast<long long>(::getpid()); }, ids_[0]);
        EXPECT_EQ(std::string(e.what()),
                  "On worker " + std::to_string(ids_[0]) +
                      ": (anonymous namespace)::custom_error: custom trouble (in "
                      "(anonymous namespace)::fail_with(int) on " +
                      e.host() + ", pid " + std::to_string(worker_pid) + ")");
        EXPECT_EQ(e.message(), "custom trouble");
        EXPECT_EQ(e.type_name(), "(anonymous namespace)::custom_error");
    }
    EXPECT_THROW(dc::remotecall_fetch(fail_with, ids_[1], 2), dc::remote_exception);
    // The worker keeps serving.
    EXPECT_EQ(dc::remotecall_fetch(fail_with, ids_[0], 5), 5);
}

TEST_F(cluster_test, a_remote_error_says_where_in_what_and_how_it_got_there) {
    try {
        dc::remotecall_fetch(fail_with, ids_[0], 1);
        FAIL() << "expected remote_exception";
    } catch (const dc::remote_exception& e) {
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        EXPECT_EQ(e.host(), host);
        EXPECT_EQ(e.os_pid(),
                  dc::remotecall_fetch([] { return static_cast<long long>(::getpid()); }, ids_[0]));
        EXPECT_EQ(e.function(), "(anonymous namespace)::fail_with(int)");
        // The worker's stack where it threw: the thrower, then dc's call machinery.
        EXPECT_NE(e.stacktrace().find("fail_with"), std::string::npos) << e.stacktrace();
        EXPECT_NE(e.stacktrace().find("errors_test.cpp"), std::string::npos) << e.stacktrace();
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "what() is one line";
    }
    // A lambda is named by its type; pmap and distributed_reduce name the user's function.
    try {
        dc::remotecall_fetch([]() -> int { throw std::out_of_range("lambda trouble"); }, ids_[0]);
        FAIL() << "expected remote_exception";
    } catch (const dc::remote_exception& e) {
        EXPECT_NE(e.function().find("lambda"), std::string::npos) << e.function();
        EXPECT_EQ(e.type_name(), "std::out_of_range");
    }
    try {
        dc::pmap(fail_with, std::vector<int>{3, 1, 4});
        FAIL() << "expected remote_exception";
    } catch (const dc::remote_exception& e) {
        EXPECT_EQ(e.function(), "(anonymous namespace)::fail_with(int)") << e.what();
    }
}

TEST_F(cluster_test, errors_are_kept_in_futures_and_rethrown_by_wait_and_fetch) {
    auto f = dc::remotecall(fail_with, ids_[0], 1);
    EXPECT_THROW(f.wait(), dc::remote_exception);
    EXPECT_THROW(f.fetch(), dc::remote_exception);
    EXPECT_THROW(f.fetch(), dc::remote_exception); // every time
    EXPECT_THROW(dc::remotecall_wait(fail_with, ids_[1], 1), dc::remote_exception);
}

TEST_F(cluster_test, a_dead_worker_fails_pending_and_later_calls) {
    auto pending = dc::remotecall(
        [] {
            ::kill(::getpid(), SIGKILL);
            return 0;
        },
        ids_[0]);
    try {
        pending.fetch();
        FAIL() << "expected process_exited";
    } catch (const dc::process_exited& e) {
        EXPECT_EQ(e.pid(), ids_[0]);
    }
    EXPECT_THROW(dc::remotecall_fetch([] { return 1; }, ids_[0]), dc::process_exited);
    EXPECT_EQ(dc::workers(), std::vector<int>{ids_[1]});
    // The master and the other worker carry on, and so do new workers.
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, ids_[1]), ids_[1]);
    auto added = dc::addprocs(1);
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::myid(); }, added[0]), added[0]);
}

TEST_F(cluster_test, the_survivors_learn_that_a_worker_died) {
    dc::remote_do([] { ::_exit(9); }, ids_[1]);
    EXPECT_THROW(dc::remotecall_fetch([] { return 1; }, ids_[1]), dc::process_exited);
    // The first worker is told by the master and fails a call to the second at once.
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::procs(); }, ids_[0]),
              (std::vector<int>{1, ids_[0]}));
}
