// The pieces of the parallel patterns that need no other process: worker pools (in a local
// context), range splitting for distributed_reduce, pmap's automatic batch size.

#include "local/local_context.hpp"

#include <dc/distributed.hpp>
#include <dc/errors.hpp>
#include <dc/pmap.hpp>
#include <dc/worker_pool.hpp>

#include <gtest/gtest.h>

#include <thread>

using namespace dc::detail;

TEST(worker_pool, hands_out_idle_workers_and_a_take_waits_for_one_put_back) {
    local_context here;
    dc::worker_pool pool({1});
    EXPECT_EQ(pool.take(), 1);
    EXPECT_FALSE(pool.try_take().has_value());
    std::thread giver([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        pool.put_back(1);
    });
    EXPECT_EQ(pool.take(), 1); // woke when it came back
    giver.join();
    pool.remove(1);
    EXPECT_EQ(pool.size(), 0U);
    EXPECT_THROW(pool.take(), dc::process_exited);
}

TEST(split_range, gives_contiguous_near_equal_chunks_covering_the_range) {
    const auto chunks = split_range(0, 10, 3);
    ASSERT_EQ(chunks.size(), 3U);
    std::int64_t next = 0;
    for (const auto& [lo, hi] : chunks) {
        EXPECT_EQ(lo, next);
        EXPECT_GE(hi - lo, 3);
        EXPECT_LE(hi - lo, 4);
        next = hi;
    }
    EXPECT_EQ(next, 10);
    EXPECT_EQ(split_range(5, 7, 8).size(), 2U); // never an empty chunk
    EXPECT_EQ(split_range(-3, 3, 1), (std::vector<std::pair<std::int64_t, std::int64_t>>{{-3, 3}}));
}

TEST(pmap_batches, about_eight_per_worker_and_never_empty) {
    EXPECT_EQ(auto_batch_size(1600, 2), 100U);
    EXPECT_GE(auto_batch_size(3, 8), 1U);
    EXPECT_GE(auto_batch_size(0, 4), 1U);
    const auto n = auto_batch_size(1000, 3);
    EXPECT_GE((1000 + n - 1) / n, 20U);
    EXPECT_LE((1000 + n - 1) / n, 30U);
}

namespace {
int twice_unless_two(int x) {
    if (x == 2) throw std::domain_error("two");
    return 2 * x;
}
} // namespace

TEST(run_batch, keeps_the_order_and_with_on_error_records_which_items_threw) {
    using F = int (*)(int);
    const auto out = run_batch<F, int, int>(callable<F>::of(&twice_unless_two), {1, 2, 3}, true);
    EXPECT_EQ(out.values, (std::vector<int>{2, 0, 6}));
    EXPECT_EQ(out.failed, std::vector<std::uint32_t>{1});
    EXPECT_EQ(out.types, std::vector<std::string>{"std::domain_error"});
    EXPECT_EQ(out.messages, std::vector<std::string>{"two"});
    EXPECT_THROW((run_batch<F, int, int>(callable<F>::of(&twice_unless_two), {2}, false)),
                 std::domain_error);
}
