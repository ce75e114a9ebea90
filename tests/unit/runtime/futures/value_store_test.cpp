#include "futures/value_store.hpp"

#include <dc/errors.hpp>

#include <gtest/gtest.h>

using dc::detail::value_store;

namespace {
auto data(char c) {
    return std::make_shared<const dc::detail::bytes>(1, c);
}
} // namespace

TEST(value_store, a_value_lives_until_its_weight_returns) {
    value_store s;
    s.expect(7);
    s.put(7, false, data('a'));
    EXPECT_EQ(s.size(), 1u);
    s.release(7, value_store::initial_weight / 2);
    EXPECT_EQ(s.size(), 1u);
    s.release(7, value_store::initial_weight / 2);
    EXPECT_EQ(s.size(), 0u);
}

TEST(value_store, waiters_are_answered_when_the_value_arrives) {
    value_store s;
    s.expect(1);
    EXPECT_FALSE(s.get(1, value_store::waiter{3, 99, true}).has_value());
    auto waiters = s.put(1, false, data('b'));
    ASSERT_EQ(waiters.size(), 1u);
    EXPECT_EQ(waiters[0].pid, 3);
    EXPECT_EQ(waiters[0].req, 99u);
    EXPECT_EQ((*s.get(1, std::nullopt)->data)[0], 'b');
}

TEST(value_store, a_release_that_overtakes_the_call_is_kept) {
    value_store s;
    s.release(5, 10); // a third process let go before the call arrived
    s.expect(5);
    s.put(5, false, data('c'));
    s.release(5, value_store::initial_weight - 10);
    EXPECT_EQ(s.size(), 0u);
}

TEST(value_store, values_nobody_holds_are_not_kept) {
    value_store s;
    s.expect(2);
    s.release(2, value_store::initial_weight); // dropped while still computing
    EXPECT_EQ(s.size(), 0u);
    s.put(2, false, data('d'));
    EXPECT_EQ(s.size(), 0u);
    EXPECT_THROW(s.get(2, std::nullopt), dc::error);
}
