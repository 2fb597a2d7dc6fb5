// Opening an adapter .so in this process: the file, its ELF header, dlopen,
// the required symbols and the ABI version (loader.h).
#include "wskconf/adapters/loader.h"

#include <dlfcn.h>
#include <elf.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace wskconf::adapters {
namespace {

#if defined(__x86_64__)
constexpr unsigned kHostMachine = EM_X86_64;
constexpr const char* kHostMachineName = "x86-64";
#elif defined(__aarch64__)
constexpr unsigned kHostMachine = EM_AARCH64;
constexpr const char* kHostMachineName = "aarch64";
#else
#error "add this host's ELF machine to adapters/src/loader.cc"
#endif

LoadError Error(LoadErrorKind kind, const std::string& path,
                const std::string& what) {
  return {kind, fmt::format("{}: {}", path, what)};
}

std::string MachineName(unsigned machine) {
  switch (machine) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "arm";
    case EM_AARCH64: return "aarch64";
    case EM_RISCV: return "riscv";
    case EM_PPC64: return "ppc64";
    case EM_S390: return "s390";
    default: return fmt::format("machine {}", machine);
  }
}

// The first bytes, as text a person can recognise ("#!/bin/sh", "PK...").
std::string Preview(const unsigned char* bytes, size_t size) {
  std::string text;
  for (size_t i = 0; i < size && i < 8; ++i) {
    const unsigned char c = bytes[i];
    text += (c >= 0x20 && c < 0x7f) ? fmt::format("{:c}", c)
                                    : fmt::format("\\x{:02x}", c);
  }
  return text;
}

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn& out) {
  dlerror();
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) return false;
  out = reinterpret_cast<Fn>(symbol);
  return true;
}

}  // namespace

std::optional<LoadError> CheckElfFile(const std::string& path) {
  std::error_code ec;
  if (path.empty()) {
    return Error(LoadErrorKind::kNotFound, "(empty path)",
                 "no provider file named (give the path of a .so)");
  }
  if (!std::filesystem::exists(path, ec)) {
    return Error(LoadErrorKind::kNotFound, path, "no such provider file");
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error(LoadErrorKind::kNotSharedObject, path,
                 "cannot load the provider: not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  unsigned char header[sizeof(Elf64_Ehdr)] = {};
  in.read(reinterpret_cast<char*>(header), sizeof(header));
  const size_t got = static_cast<size_t>(in.gcount());
  if (got == 0) {
    return Error(LoadErrorKind::kNotSharedObject, path,
                 "cannot load the provider: the file is empty, not a shared object");
  }
  if (got < EI_NIDENT || std::memcmp(header, ELFMAG, SELFMAG) != 0) {
    return Error(LoadErrorKind::kNotSharedObject, path,
                 fmt::format("cannot load the provider: not an ELF shared object "
                             "(it starts with \"{}\")", Preview(header, got)));
  }
  if (header[EI_CLASS] != ELFCLASS64) {
    return Error(LoadErrorKind::kWrongArchitecture, path,
                 fmt::format("wrong architecture: a {} ELF file, this host "
                             "loads 64-bit {} objects",
                             header[EI_CLASS] == ELFCLASS32 ? "32-bit" : "unknown-class",
                             kHostMachineName));
  }
  if (header[EI_DATA] != ELFDATA2LSB || got < sizeof(Elf64_Ehdr)) {
    return Error(LoadErrorKind::kWrongArchitecture, path,
                 "wrong architecture: not a little-endian ELF file");
  }
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, header, sizeof(ehdr));
  if (ehdr.e_machine != kHostMachine) {
    return Error(LoadErrorKind::kWrongArchitecture, path,
                 fmt::format("wrong architecture: built for {}, this host is {}",
                             MachineName(ehdr.e_machine), kHostMachineName));
  }
  if (ehdr.e_type != ET_DYN) {
    return Error(LoadErrorKind::kNotSharedObject, path,
                 fmt::format("cannot load the provider: an ELF {} file, not a "
                             "shared object (link it with -shared)",
                             ehdr.e_type == ET_EXEC ? "executable"
                             : ehdr.e_type == ET_REL ? "object (.o)" : "non-library"));
  }
  return std::nullopt;
}

Result<LoadedAdapter> OpenAdapter(const std::string& path) {
  if (std::optional<LoadError> bad = CheckElfFile(path)) return {{}, bad};
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return {{}, Error(LoadErrorKind::kLoadFailed, path,
                      fmt::format("cannot load the provider: {}",
                                  why ? why : "unknown dlopen error"))};
  }
  LoadedAdapter adapter;
  adapter.path = path;
  EntryPoints& e = adapter.entry;
  void* const slots[] = {&e.WskRegister, &e.WskDeregister, &e.WskCaptureProviderNPI,
                         &e.WskReleaseProviderNPI, &e.WskQueryProviderCharacteristics};
  for (size_t i = 0; i < std::size(kRequiredSymbols); ++i) {
    void* symbol = dlsym(handle, kRequiredSymbols[i]);
    if (symbol == nullptr) {
      dlclose(handle);
      return {{}, Error(LoadErrorKind::kMissingSymbol, path,
                        fmt::format("the provider does not export {} (required "
                                    "by adapter ABI {})",
                                    kRequiredSymbols[i], WSKCONF_ADAPTER_ABI_VERSION))};
    }
    std::memcpy(slots[i], &symbol, sizeof(symbol));
  }
  if (Resolve(handle, WSKCONF_ADAPTER_INFO_SYMBOL, e.WskconfAdapterInfo)) {
    const WSKCONF_ADAPTER_INFO* info = e.WskconfAdapterInfo();
    AdapterDescription& d = adapter.description;
    d.has_info = true;
    if (info == nullptr) {
      dlclose(handle);
      return {{}, Error(LoadErrorKind::kUnknownAbiVersion, path,
                        "WskconfAdapterInfo returned NULL (it must describe the adapter)")};
    }
    d.abi_version = info->AbiVersion;  // read before any dlclose
    if (d.abi_version != WSKCONF_ADAPTER_ABI_VERSION) {
      dlclose(handle);
      return {{}, Error(LoadErrorKind::kUnknownAbiVersion, path,
                        fmt::format("adapter ABI version {} is not known to this "
                                    "loader (it knows version {})",
                                    d.abi_version, WSKCONF_ADAPTER_ABI_VERSION))};
    }
    d.name = info->Name ? info->Name : "";
    d.version = info->Version ? info->Version : "";
    d.statement = info->Statement ? info->Statement : "";
  }
  return {std::move(adapter), std::nullopt};
}

}  // namespace wskconf::adapters
