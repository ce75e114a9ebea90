// The launch progress line's text.

#include "cluster/launch_progress.hpp"

#include <gtest/gtest.h>

using dc::detail::progress_line;

TEST(launch_progress, the_line_counts_connected_queued_and_seconds) {
    EXPECT_EQ(progress_line(37, 512, 475, "job 1234", 12.7),
              "workers 37/512 connected \u00b7 475 queued (job 1234) \u00b7 12 s");
    EXPECT_EQ(progress_line(3, 4, 0, "", 0.4), "workers 3/4 connected \u00b7 0 s");
    EXPECT_EQ(progress_line(0, 8, 8, "", 2), "workers 0/8 connected \u00b7 8 queued \u00b7 2 s");
}
