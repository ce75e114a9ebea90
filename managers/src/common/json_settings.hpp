#pragma once
// A manager's settings as one line of JSON (how dcrun hands them to the master) and back.

#include <cereal/archives/json.hpp>

#include <sstream>
#include <string>

namespace dc::managers {

template <class Settings> std::string settings_to_json(const char* name, const Settings& s) {
    std::ostringstream out;
    {
        cereal::JSONOutputArchive archive(out, cereal::JSONOutputArchive::Options::NoIndent());
        archive(cereal::make_nvp(name, s));
    }
    return out.str();
}

template <class Settings> Settings settings_from_json(const char* name, const std::string& text) {
    Settings s;
    std::istringstream in(text);
    cereal::JSONInputArchive archive(in);
    archive(cereal::make_nvp(name, s));
    return s;
}

} // namespace dc::managers
