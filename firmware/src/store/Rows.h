#pragma once
// Reading typed values out of a POCO RecordSet, NULL as the empty value.
#include <Poco/Data/RecordSet.h>

#include <cstdint>
#include <string>

namespace mg::store::detail {

inline int64_t i64(const Poco::Data::RecordSet& rs, size_t col, size_t row) {
  const auto& v = rs.value(col, row);
  return v.isEmpty() ? 0 : v.convert<Poco::Int64>();
}
inline std::string str(const Poco::Data::RecordSet& rs, size_t col, size_t row) {
  const auto& v = rs.value(col, row);
  return v.isEmpty() ? std::string() : v.convert<std::string>();
}

}  // namespace mg::store::detail
