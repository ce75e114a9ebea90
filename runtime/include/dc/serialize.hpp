#pragma once
// What may be passed to and returned from remote calls: arithmetic types, std::string, standard
// containers, std::optional, tuples and pairs, and user types with a cereal-style
// `template <class A> void serialize(A& ar) { ar(x, y); }`. Contiguous arithmetic data moves as
// raw bytes.

#include <cereal/types/array.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/complex.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/list.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/unordered_set.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>
