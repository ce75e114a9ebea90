// Worker pools that have to wait (Julia's wait(pool)), and pmap giving its workers back.

#include "cluster_fixture.hpp"

#include "file_gate.hpp"

#include <algorithm>
#include <any>
#include <chrono>
#include <fstream>
#include <future>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;

/// Holds its worker until `path` exists, then says who it was.
int hold_until(const std::string& path) {
    wait_for_file(path);
    return dc::myid();
}

int who() {
    return dc::myid();
}

/// Waits for `f` with a deadline, so that a pool that never wakes fails the test instead of
/// hanging it.
template <class T> T within(std::future<T>& f, const char* what) {
    if (f.wait_for(60s) != std::future_status::ready) {
        ADD_FAILURE() << what << " did not finish within 60 s";
        std::_Exit(1); // a thread is stuck in dc: nothing else can run in this process
    }
    return f.get();
}

/// Run on a worker: a pool of the two given workers, both busy holding gates; a third call
/// must wait for the first one back.
int pooled_call_inside_a_call(int a, int b, const std::string& gate_a, const std::string& gate_b) {
    dc::worker_pool pool({a, b});
    auto first = dc::remotecall(hold_until, pool, gate_a);
    auto second = dc::remotecall(hold_until, pool, gate_b);
    std::ofstream(gate_a).put('x'); // worker `a` comes back first
    const int ran_on = dc::remotecall(who, pool).fetch();
    std::ofstream(gate_b).put('x');
    first.wait();
    second.wait();
    return ran_on;
}

int fail_on_zero(int x) {
    if (x == 0) throw std::runtime_error("item zero");
    return x;
}

/// Slow unless it is item 0, which fails at once: pmap throws while other batches run.
int slow_unless_zero(const std::pair<int, std::string>& item) {
    if (item.first == 0) throw std::runtime_error("item zero");
    wait_for_file(item.second);
    return item.first;
}

} // namespace

TEST_F(cluster_test, a_busy_pool_waits_on_the_main_thread_and_runs_on_the_first_worker_back) {
    file_gate gate_a("dc_pool_a"), gate_b("dc_pool_b");
    dc::worker_pool pool(ids_);
    auto first = dc::remotecall(hold_until, pool, gate_a.path());
    auto second = dc::remotecall(hold_until, pool, gate_b.path());
    std::thread opener([&] {
        std::this_thread::sleep_for(100ms); // most likely after the call below waits
        gate_a.open();
    });
    auto third = std::async(std::launch::async, [&] { return dc::remotecall(who, pool).fetch(); });
    const int ran_on = within(third, "a call on a busy pool");
    opener.join();
    EXPECT_EQ(ran_on, first.where()) << "the only worker that came back";
    gate_b.open();
    EXPECT_EQ(second.fetch(), second.where());
}

TEST_F(cluster_test, a_busy_pool_waits_in_take_from_another_thread) {
    dc::worker_pool pool(ids_);
    const int a = pool.take();
    const int b = pool.take();
    auto waiter = std::async(std::launch::async, [&] { return pool.take(); });
    std::this_thread::sleep_for(50ms);
    pool.put_back(b);
    EXPECT_EQ(within(waiter, "pool.take()"), b);
    pool.put_back(a);
    pool.put_back(b);
    EXPECT_EQ(pool.try_take().has_value(), true);
}

TEST_F(cluster_test, a_busy_pool_waits_inside_a_call_on_a_worker) {
    file_gate gate_a("dc_pool_in_a"), gate_b("dc_pool_in_b");
    const int caller = ids_[0];
    auto more = dc::addprocs(1);
    auto ran = std::async(std::launch::async, [&] {
        return dc::remotecall_fetch(pooled_call_inside_a_call, caller, ids_[1], more[0],
                                    gate_a.path(), gate_b.path());
    });
    EXPECT_EQ(within(ran, "a pooled call inside a call"), ids_[1]);
}

TEST(worker_pool, a_pool_of_one_worker_is_spelled_like_a_pool_of_several) {
    dc::worker_pool one({7});
    EXPECT_EQ(one.workers(), std::vector<int>{7});
    dc::worker_pool two({7, 8});
    EXPECT_EQ(two.size(), 2u);
    const int id = 9;
    dc::worker_pool from_variable({id});
    EXPECT_EQ(from_variable.try_take(), std::optional<int>(9));
}

TEST_F(cluster_test, a_pmap_that_throws_gives_every_worker_back) {
    file_gate gate("dc_pmap_throws");
    dc::worker_pool pool(ids_);
    dc::pmap_options o;
    o.pool = &pool;
    o.batch_size = 1;
    std::vector<std::pair<int, std::string>> items;
    for (int i = 0; i < 6; ++i)
        items.emplace_back(i, gate.path());
    std::thread opener([&] {
        std::this_thread::sleep_for(100ms);
        gate.open();
    });
    EXPECT_THROW(dc::pmap(slow_unless_zero, items, o), dc::remote_exception);
    opener.join();
    EXPECT_EQ(pool.size(), 2u);
    auto a = pool.try_take(), b = pool.try_take();
    EXPECT_TRUE(a && b) << "a worker of the pool is still marked busy";
}

TEST_F(cluster_test, a_pmap_whose_on_error_throws_gives_every_worker_back) {
    dc::worker_pool pool(ids_);
    dc::pmap_options o;
    o.pool = &pool;
    o.batch_size = 1;
    o.on_error = [](const std::exception&) -> std::any { throw std::logic_error("handler"); };
    std::vector<int> xs(40);
    for (int i = 0; i < 40; ++i)
        xs[i] = i;
    EXPECT_THROW(dc::pmap(fail_on_zero, xs, o), std::logic_error);
    auto a = pool.try_take(), b = pool.try_take();
    EXPECT_TRUE(a && b) << "a worker of the pool is still marked busy";
    // The default pool too, through a pooled call afterwards on each worker.
    EXPECT_THROW(dc::pmap(fail_on_zero, xs), dc::remote_exception);
    auto& all = dc::default_worker_pool();
    auto c = all.try_take(), d = all.try_take();
    EXPECT_TRUE(c && d);
    if (c) all.put_back(*c);
    if (d) all.put_back(*d);
}

TEST_F(cluster_test, rmprocs_on_a_worker_throws) {
    auto message = dc::remotecall_fetch(
        [](int other) -> std::string {
            try {
                dc::rmprocs({other});
            } catch (const dc::error& e) {
                return e.what();
            }
            return "no error";
        },
        ids_[0], ids_[1]);
    EXPECT_NE(message.find("only the master (process 1)"), std::string::npos) << message;
    EXPECT_EQ(dc::nworkers(), 2);
}

namespace {

int pause_then_who(int milliseconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
    return dc::myid();
}

/// Waits (up to 30 s) until the cluster has `n` workers.
bool settles_at(int n) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (dc::nworkers() != n && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    return dc::nworkers() == n;
}

} // namespace

// In this process, so that ThreadSanitizer sees the adapt thread next to a pmap.
TEST_F(cluster_test, a_pool_under_adapt_grows_while_work_waits_then_releases_idle_workers) {
    dc::options o;
    o.idle_timeout = 1;
    dc::addprocs(0, o); // the options later workers get
    dc::adapt(2, 4);
    const auto who = dc::pmap(pause_then_who, std::vector<int>(60, 50));
    const std::set<int> ran(who.begin(), who.end());
    EXPECT_GT(ran.size(), 2U) << "adapt started no worker";
    EXPECT_TRUE(settles_at(2)) << dc::nworkers() << " workers, not released down to 2";
    dc::adapt(0, 0);
}

// A worker whose job "ends" in 6 s, drained 3 s before (2 to 3 s from now: the end is in whole
// seconds): it leaves the pool while a 4 s pmap runs, and a replacement (whose own end is then
// too close to drain) takes its place.
TEST_F(cluster_test, a_pool_loses_a_draining_worker_and_gains_its_replacement) {
    const auto end = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     6;
    dc::options o;
    o.env["DC_JOB_END"] = std::to_string(end);
    o.drain_before = 3;
    o.replace_workers = true;
    const int draining = dc::addprocs(1, o).at(0);
    const auto who = dc::pmap(pause_then_who, std::vector<int>(120, 100));
    const std::set<int> ran(who.begin(), who.end());
    EXPECT_TRUE(ran.count(draining)) << "the draining worker never ran";
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    auto now = dc::workers();
    while ((std::count(now.begin(), now.end(), draining) || now.size() != 3) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
        now = dc::workers();
    }
    EXPECT_EQ(std::count(now.begin(), now.end(), draining), 0) << "the worker did not leave";
    EXPECT_EQ(now.size(), 3U) << "no replacement joined";
}
