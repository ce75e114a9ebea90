// Collectives through fan-out trees: nine workers and a degree of 2, so that the tree has inner
// workers that forward to others (the master sends to two workers, not nine).

#include <dc/dc.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <numeric>
#include <string>

#include <unistd.h>

namespace {

std::atomic<int> runs{0}; // how often this process ran the collective's call

void run_once_here() {
    ++runs;
}
int runs_here() {
    return runs.load();
}

class tree_test : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("DC_TREE_DEGREE", "2", 1);
        runs = 0;
        ids_ = dc::addprocs(9);
    }
    void TearDown() override {
        if (dc::nprocs() > 1) dc::rmprocs(dc::workers());
        ::unsetenv("DC_TREE_DEGREE");
    }
    /// How often each worker ran the call (the master's count first).
    std::vector<int> counts() const {
        std::vector<int> c{runs_here()};
        for (int id : dc::workers())
            c.push_back(dc::remotecall_fetch(runs_here, id));
        return c;
    }
    std::vector<int> ids_;
};

std::vector<int> pids_of(const dc::composite_exception& e) {
    std::vector<int> pids;
    for (const auto& error : e.errors()) {
        try {
            std::rethrow_exception(error);
        } catch (const dc::process_exited& x) {
            pids.push_back(x.pid());
        } catch (const dc::remote_exception& x) {
            pids.push_back(x.pid());
        }
    }
    return pids;
}

} // namespace

TEST_F(tree_test, everywhere_runs_once_on_every_process) {
    dc::everywhere(run_once_here);
    EXPECT_EQ(counts(), std::vector<int>(10, 1));
    dc::everywhere(ids_, run_once_here); // the workers only
    auto twice = std::vector<int>(10, 2);
    twice[0] = 1;
    EXPECT_EQ(counts(), twice);
}

TEST_F(tree_test, errors_deep_in_the_tree_come_back_naming_each_process_in_order) {
    try {
        dc::everywhere([] {
            if (dc::myid() % 2 == 0) throw std::runtime_error("even " + std::to_string(dc::myid()));
        });
        FAIL() << "expected composite_exception";
    } catch (const dc::composite_exception& e) {
        EXPECT_EQ(pids_of(e), (std::vector<int>{ids_[0], ids_[2], ids_[4], ids_[6], ids_[8]}));
        try {
            std::rethrow_exception(e.errors().back());
        } catch (const dc::remote_exception& x) {
            EXPECT_EQ(x.type_name(), "std::runtime_error");
            EXPECT_EQ(x.message(), "even " + std::to_string(ids_[8]));
        }
    }
}

TEST_F(tree_test, a_worker_that_dies_inside_the_tree_is_named_and_the_rest_run_once) {
    // ids_[0] forwards to its subtree, then dies: its subtree is sent again without it, and
    // those that had already run the call do not run it twice.
    try {
        dc::everywhere(
            [](int victim) {
                if (dc::myid() == victim) ::_exit(7);
                run_once_here();
            },
            ids_[0]);
        FAIL() << "expected composite_exception";
    } catch (const dc::composite_exception& e) {
        ASSERT_EQ(e.errors().size(), 1u) << e.what();
        EXPECT_THROW(std::rethrow_exception(e.errors()[0]), dc::process_exited);
        EXPECT_EQ(pids_of(e), std::vector<int>{ids_[0]});
    }
    EXPECT_EQ(counts(), std::vector<int>(9, 1));
}

TEST_F(tree_test, a_worker_killed_before_the_collective_is_named_and_the_rest_run_once) {
    const int os_pid = dc::remotecall_fetch([] { return static_cast<int>(::getpid()); }, ids_[0]);
    ASSERT_EQ(::kill(os_pid, SIGKILL), 0);
    try {
        dc::everywhere(ids_, run_once_here);
        FAIL() << "expected composite_exception";
    } catch (const dc::composite_exception& e) {
        EXPECT_EQ(pids_of(e), std::vector<int>{ids_[0]});
    }
    std::vector<int> expected(9, 1);
    expected[0] = 0; // the master was not asked
    EXPECT_EQ(counts(), expected);
}

TEST_F(tree_test, a_worker_starts_a_collective_of_its_own) {
    // The root is a worker: it knows no addresses, so its tree's workers ask the master.
    dc::remotecall_fetch([] { dc::everywhere(dc::workers(), run_once_here); }, ids_[4]);
    std::vector<int> expected(10, 1);
    expected[0] = 0;
    EXPECT_EQ(counts(), expected);
}

TEST_F(tree_test, sendto_gives_each_process_its_copy) {
    std::vector<double> table(1 << 20);
    std::iota(table.begin(), table.end(), 0.0);
    dc::sendto(dc::procs(), "table", table);
    const double sum = std::accumulate(table.begin(), table.end(), 0.0);
    for (int id : dc::procs()) {
        EXPECT_EQ(dc::remotecall_fetch(
                      [] {
                          const auto& t = dc::global_ref<std::vector<double>>("table");
                          return std::accumulate(t.begin(), t.end(), 0.0);
                      },
                      id),
                  sum);
    }
    dc::clear_globals(dc::workers());
    EXPECT_THROW(dc::getfrom<std::vector<double>>(ids_[8], "table"), dc::remote_exception);
}

TEST_F(tree_test, reductions_combine_up_the_tree_in_order) {
    const auto letters = dc::distributed_reduce(
        [](const std::string& a, const std::string& b) { return a + b; }, 0, 20,
        [](std::int64_t i) { return std::string(1, static_cast<char>('a' + i)); });
    EXPECT_EQ(letters, "abcdefghijklmnopqrst");
    EXPECT_EQ(dc::distributed_reduce(std::plus<>{}, 1, 1001, [](std::int64_t i) { return i; }),
              500500);
    EXPECT_EQ(dc::distributed_reduce(std::plus<>{}, 0, 3, [](std::int64_t i) { return i; }), 3);
    std::vector<std::string> words;
    for (char c = 'a'; c <= 'z'; ++c)
        words.emplace_back(1, c);
    const auto spread = dc::distribute(words);
    EXPECT_EQ(spread.reduce([](const std::string& a, const std::string& b) { return a + b; }),
              "abcdefghijklmnopqrstuvwxyz");
}

TEST_F(tree_test, a_reduction_reports_the_chunk_that_threw_as_a_direct_call_would) {
    try { // 20 items over 9 workers: item 13 is in the seventh chunk
        dc::distributed_reduce(std::plus<>{}, 0, 20, [](std::int64_t i) -> long {
            if (i == 13 || i == 19) throw std::out_of_range("item " + std::to_string(i));
            return i;
        });
        FAIL() << "expected remote_exception";
    } catch (const dc::remote_exception& e) {
        EXPECT_EQ(e.pid(), ids_[6]);
        EXPECT_EQ(e.type_name(), "std::out_of_range");
        EXPECT_EQ(e.message(), "item 13");
    }
    try {
        dc::distributed_reduce(std::plus<>{}, 0, 9, [](std::int64_t i) -> long {
            if (i == 4) ::_exit(3); // an inner process of the tree dies
            return i;
        });
        FAIL() << "expected process_exited";
    } catch (const dc::process_exited& e) {
        EXPECT_EQ(e.pid(), ids_[4]);
    }
}

TEST_F(tree_test, rmprocs_of_many_workers_leaves_no_process) {
    std::vector<int> os_pids;
    for (int id : ids_)
        os_pids.push_back(dc::remotecall_fetch([] { return static_cast<int>(::getpid()); }, id));
    dc::rmprocs(ids_);
    EXPECT_EQ(dc::nworkers(), 1); // the master alone counts as a worker
    EXPECT_EQ(dc::workers(), std::vector<int>{1});
    for (int p : os_pids) {
        EXPECT_EQ(::kill(p, 0), -1) << "worker process " << p << " is still there";
        EXPECT_EQ(errno, ESRCH);
    }
}
