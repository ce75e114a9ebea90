// Tutorial 1, "@spawnat and @fetchfrom".
//   r = @spawnat :any rand(2); @fetchfrom 3 myid()
#include <dc/dc.hpp>

#include <iostream>
#include <random>

std::vector<double> random_pair() {
    std::mt19937 gen(std::random_device{}());
    std::uniform_real_distribution<double> u;
    return {u(gen), u(gen)};
}

int main(int argc, char** argv) {
    dc::init(argc, argv);
    for (int i = 0; i < dc::nworkers(); ++i) {
        auto r = dc::spawnat(dc::any_worker, random_pair); // next worker, round-robin
        auto v = r.fetch();
        std::cout << "spawnat(any) ran on " << r.where() << ": [" << v[0] << ", " << v[1] << "]"
                  << std::endl;
    }
    if (dc::nprocs() > 3) {
        std::cout << "fetchfrom(3): " << dc::fetchfrom(3, [] { return dc::myid(); }) << std::endl;
    }
    auto s = dc::spawnat(2, [] { return dc::myid() * 100; });
    std::cout << "spawnat(2): " << s.fetch() << std::endl;
}
