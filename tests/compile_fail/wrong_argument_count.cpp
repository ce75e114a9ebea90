#include <dc/dc.hpp>
int add(int a, int b) {
    return a + b;
}
int main() {
    return dc::remotecall_fetch(add, 2, 1);
}
