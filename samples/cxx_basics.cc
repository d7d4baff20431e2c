// C++ runtime under memsim: iostream, exceptions, std::map/std::string/
// std::sort, static initialisers, std::call_once and a function-local static
// (both end in pthread_once's futex(FUTEX_WAKE_PRIVATE), which glibc treats
// as fatal if it fails).
#include <algorithm>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

static std::map<std::string, int> table = { { "one", 1 }, { "two", 2 }, { "three", 3 } };

struct Init {
    std::string name;
    Init() : name("static initialiser ran") {}
};
static Init init;

static int &counter()
{
    static int c = 41;          // a guarded function-local static
    return c;
}

static int parse(const std::string &s)
{
    if (s.empty())
        throw std::invalid_argument("empty string");
    return std::stoi(s);
}

int main()
{
    std::cout << init.name << '\n';
    std::vector<std::string> words = { "pear", "apple", "fig", "banana", "cherry" };
    std::sort(words.begin(), words.end());
    for (const auto &w : words)
        std::cout << w << ' ';
    std::cout << '\n';
    for (const auto &kv : table)
        std::cout << kv.first << '=' << kv.second << '\n';
    try {
        parse("");
    } catch (const std::exception &e) {
        std::cout << "caught: " << e.what() << '\n';
    }
    try {
        std::cout << parse("x") << '\n';
    } catch (const std::invalid_argument &e) {
        std::cout << "caught invalid_argument: " << e.what() << '\n';
    }
    std::once_flag once;
    for (int i = 0; i < 3; i++)
        std::call_once(once, [] { std::cout << "call_once ran once\n"; });
    std::cout << "counter " << ++counter() << '\n';
    std::cout << std::string(3, '=') << " done\n";
    return 0;
}
