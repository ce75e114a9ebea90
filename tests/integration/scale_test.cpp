// Thousands of local workers (label `scale`): every worker ready, then everywhere, a pmap over
// all of them and a ring in which each worker calls the next. Before workers learnt of each
// other lazily, a worker's welcome listed every peer and from about 770 workers on it was
// refused (larger than a greeting may be).

#include "process_helpers.hpp"

#include <gtest/gtest.h>

TEST(scale, two_thousand_local_workers_run_everywhere_a_pmap_and_a_ring) {
    const int n = 2000;
    auto r = run_command(
        {DCRUN_PATH, "-p", std::to_string(n), "--timeout", "300", TEST_APP_PATH, "scale"}, {}, 600);
    ASSERT_EQ(r.code, 0) << r.err.substr(0, 2000);
    const long items = 4L * n;
    const long sum = items * (items + 1); // 2 * (1 + ... + items)
    EXPECT_NE(r.out.find("workers " + std::to_string(n) + " everywhere done pmap sum " +
                         std::to_string(sum) + " ring " + std::to_string(n) + " places 1\n"),
              std::string::npos)
        << r.out.substr(0, 2000);
}
