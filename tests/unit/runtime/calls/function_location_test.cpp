#include <dc/detail/function_id.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace {
int local_function(int x) {
    return x + 1;
}
void dummy(const dc::detail::function_id&, std::span<const char>, dc::detail::bytes&) {}
void other(const dc::detail::function_id&, std::span<const char>, dc::detail::bytes&) {}
} // namespace

TEST(function_location, functions_resolve_back_to_themselves) {
    auto where = dc::detail::locate_function(reinterpret_cast<const void*>(&local_function));
    EXPECT_EQ(where.image, 1u); // the main program
    EXPECT_EQ(dc::detail::resolve_function(where), reinterpret_cast<const void*>(&local_function));
}

TEST(function_location, functions_in_shared_libraries_resolve_too) {
    auto* fn = static_cast<double (*)(double)>(&std::cos);
    auto where = dc::detail::locate_function(reinterpret_cast<const void*>(fn));
    EXPECT_NE(where.image, 1u);
    EXPECT_EQ(dc::detail::resolve_function(where), reinterpret_cast<const void*>(fn));
}

TEST(invoker_registry, keys_find_their_invokers_and_clashes_are_marked) {
    auto key = dc::detail::register_invoker("dc_test_unique_name", &dummy);
    EXPECT_EQ(dc::detail::find_invoker(key), &dummy);
    EXPECT_EQ(dc::detail::find_invoker(key + 1), nullptr);
    dc::detail::register_invoker("dc_test_unique_name", &other);
    EXPECT_NE(dc::detail::find_invoker(key), &dummy); // ambiguous now: calls fail clearly
}
