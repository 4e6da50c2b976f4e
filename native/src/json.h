// A small streaming JSON writer: the binary prints exactly one JSON document on stdout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace oh {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Object key; the next call writes its value.
  JsonWriter& key(const std::string& name);
  JsonWriter& value(const std::string& text);
  JsonWriter& value(const char* text);
  JsonWriter& value(bool flag);
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(double number);  // finite numbers only; NaN and infinities become null
  JsonWriter& null();
  JsonWriter& int_array(const std::vector<int64_t>& numbers);

  const std::string& str() const { return out_; }

 private:
  void separate();
  std::string out_;
  // One entry per open container: true once it holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

std::string json_escape(const std::string& text);

}  // namespace oh
