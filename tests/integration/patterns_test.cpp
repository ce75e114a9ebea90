// pmap, worker pools, distributed_reduce and distributed_for.

#include "cluster_fixture.hpp"
#include "file_gate.hpp"

#include <filesystem>
#include <fstream>

#include <csignal>
#include <functional>
#include <numeric>
#include <set>
#include <unistd.h>

namespace {

int square(int x) {
    return x * x;
}

std::vector<int> squares(int n) {
    std::vector<int> v(n);
    for (int i = 0; i < n; ++i)
        v[i] = i * i;
    return v;
}

std::vector<int> range(int n) {
    std::vector<int> v(n);
    std::iota(v.begin(), v.end(), 0);
    return v;
}

// Kills the worker that meets item 5 first (once per marker file): the batch must be retried.
int die_once_at_5(std::pair<int, std::string> item) {
    if (item.first == 5 && !std::filesystem::exists(item.second)) {
        std::ofstream(item.second).put('x');
        ::kill(::getpid(), SIGKILL);
    }
    return item.first * 10;
}

std::vector<std::pair<int, std::string>> with_marker(int n, const std::string& marker) {
    std::vector<std::pair<int, std::string>> v;
    for (int i = 0; i < n; ++i)
        v.emplace_back(i, marker);
    return v;
}

long long g_visits = 0; // per process
void visit(std::int64_t) {
    ++g_visits;
}
long long visits() {
    return g_visits;
}

} // namespace

TEST_F(cluster_test, pmap_returns_results_in_input_order) {
    EXPECT_EQ(dc::pmap(square, range(1000)), squares(1000));
    dc::pmap_options one;
    one.batch_size = 1;
    EXPECT_EQ(dc::pmap(square, range(50), one), squares(50));
    EXPECT_EQ(
        dc::pmap([](const std::string& s) { return s + "!"; }, std::vector<std::string>{"a", "b"}),
        (std::vector<std::string>{"a!", "b!"}));
    EXPECT_TRUE(dc::pmap(square, std::vector<int>{}).empty());
}

TEST_F(cluster_test, pmap_balances_load_dynamically) {
    file_gate gate("dc_pmap_gate");
    const int n = 20;
    std::vector<std::pair<int, std::string>> items;
    for (int i = 0; i < n; ++i)
        items.emplace_back(i, gate.path());
    dc::pmap_options o;
    o.batch_size = 1;
    // Item 0 waits until the last item opens the gate: the other worker must do all the rest.
    auto where = dc::pmap(
        [](const std::pair<int, std::string>& item) {
            if (item.first == 0) wait_for_file(item.second);
            if (item.first == 19) std::ofstream(item.second).put('x');
            return dc::myid();
        },
        items, o);
    for (int i = 1; i < n; ++i)
        EXPECT_NE(where[i], where[0]) << "item " << i;
}

TEST_F(cluster_test, pmap_automatic_batches_use_every_worker) {
    auto where = dc::pmap([](int) { return dc::myid(); }, range(10000));
    std::set<int> used(where.begin(), where.end());
    EXPECT_EQ(used, (std::set<int>{ids_[0], ids_[1]}));
}

TEST_F(cluster_test, pmap_on_error_puts_a_value_in_place) {
    dc::pmap_options o;
    o.on_error = [](const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("odd 3"), std::string::npos) << e.what();
        return std::any(-1);
    };
    auto out = dc::pmap(
        [](int x) {
            if (x == 3) throw std::runtime_error("odd " + std::to_string(x));
            return x;
        },
        range(6), o);
    EXPECT_EQ(out, (std::vector<int>{0, 1, 2, -1, 4, 5}));
}

TEST_F(cluster_test, pmap_rethrows_a_remote_error_without_on_error) {
    EXPECT_THROW(
        dc::pmap([](int x) { return x == 7 ? throw std::runtime_error("seven") : x; }, range(20)),
        dc::remote_exception);
}

TEST_F(cluster_test, pmap_retries_the_batch_of_a_worker_that_died) {
    file_gate marker("dc_pmap_retry");
    dc::pmap_options o;
    o.batch_size = 2;
    o.retry_delays = {0.0, 0.1};
    auto out = dc::pmap(die_once_at_5, with_marker(20, marker.path()), o);
    std::vector<int> expected;
    for (int i = 0; i < 20; ++i)
        expected.push_back(i * 10);
    EXPECT_EQ(out, expected);
    EXPECT_EQ(dc::nworkers(), 1);
}

TEST_F(cluster_test, pmap_without_retries_names_the_worker_that_died) {
    file_gate marker("dc_pmap_no_retry");
    try {
        dc::pmap(die_once_at_5, with_marker(20, marker.path()));
        FAIL() << "expected process_exited";
    } catch (const dc::process_exited& e) {
        EXPECT_TRUE(e.pid() == ids_[0] || e.pid() == ids_[1]) << e.what();
        EXPECT_EQ(dc::workers(), std::vector<int>{e.pid() == ids_[0] ? ids_[1] : ids_[0]});
    }
}

TEST_F(cluster_test, pmap_can_run_on_local_threads) {
    dc::pmap_options o;
    o.distributed = false;
    auto where = dc::pmap([](int x) { return std::make_pair(x * x, dc::myid()); }, range(100), o);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(where[i].first, i * i);
        EXPECT_EQ(where[i].second, 1);
    }
}

TEST_F(cluster_test, remotecall_on_a_pool_picks_an_idle_worker) {
    file_gate gate("dc_pool_gate");
    dc::worker_pool pool({ids_[0], ids_[1]});
    auto busy = dc::remotecall(wait_for_file, pool, gate.path());
    auto other = dc::remotecall([] { return dc::myid(); }, pool);
    EXPECT_NE(other.fetch(), busy.where()); // the busy worker was not handed out again
    gate.open();
    EXPECT_TRUE(busy.fetch());
    EXPECT_EQ(dc::default_worker_pool().workers(), (std::vector<int>{ids_[0], ids_[1]}));
}

TEST_F(cluster_test, distributed_reduce_reduces_contiguous_chunks_in_order) {
    EXPECT_EQ(dc::distributed_reduce(std::plus<>{}, 0, 1000, [](std::int64_t i) { return i; }),
              999 * 1000 / 2);
    auto joined = dc::distributed_reduce(
        [](std::vector<std::int64_t> a, const std::vector<std::int64_t>& b) {
            a.insert(a.end(), b.begin(), b.end());
            return a;
        },
        10, 30, [](std::int64_t i) { return std::vector<std::int64_t>{i}; });
    std::vector<std::int64_t> expected(20);
    std::iota(expected.begin(), expected.end(), 10);
    EXPECT_EQ(joined, expected);
    // One chunk per worker: each worker's first element is its own.
    auto firsts = dc::distributed_reduce(
        [](std::vector<int> a, const std::vector<int>& b) {
            a.insert(a.end(), b.begin(), b.end());
            return a;
        },
        0, 4, [](std::int64_t) { return std::vector<int>{dc::myid()}; });
    EXPECT_EQ(firsts, (std::vector<int>{ids_[0], ids_[0], ids_[1], ids_[1]}));
    EXPECT_THROW(dc::distributed_reduce(std::plus<>{}, 5, 5, [](std::int64_t i) { return i; }),
                 std::invalid_argument);
}

TEST_F(cluster_test, distributed_for_returns_at_once_and_runs_every_index) {
    auto done = dc::distributed_for(0, 1001, visit);
    done.wait();
    EXPECT_EQ(dc::remotecall_fetch(visits, ids_[0]) + dc::remotecall_fetch(visits, ids_[1]), 1001);
    auto failing = dc::distributed_for(0, 10, [](std::int64_t i) {
        if (i == 7) throw std::runtime_error("seven");
    });
    EXPECT_THROW(failing.wait(), dc::remote_exception);
}

TEST(patterns_alone, the_master_does_the_work_without_workers) {
    EXPECT_EQ(dc::pmap(square, range(10)), squares(10));
    EXPECT_EQ(dc::distributed_reduce(std::plus<>{}, 0, 10, [](std::int64_t i) { return i; }), 45);
}

TEST(patterns, pmap_uses_only_the_workers_of_its_pool) {
    auto ids = dc::addprocs(3);
    dc::worker_pool two({ids[0], ids[2]});
    dc::pmap_options o;
    o.pool = &two;
    o.batch_size = 1;
    auto where = dc::pmap([](int) { return dc::myid(); }, range(40), o);
    std::set<int> used(where.begin(), where.end());
    EXPECT_EQ(used, (std::set<int>{ids[0], ids[2]}));
    dc::rmprocs(ids);
}
