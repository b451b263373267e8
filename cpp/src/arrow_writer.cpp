// Tables handed to Arrow (see pursuit/arrow.hpp): each exported schema and
// array owns its memory through private_data and frees it in its release
// callback, as the C Data Interface asks.
#include <cstring>
#include <stdexcept>
#include <utility>

#include "pursuit/arrow.hpp"

namespace pursuit {

struct ArrowTableBuilder::Column {
    std::string format, name;
    std::int64_t flags = ARROW_FLAG_NULLABLE;
    std::int64_t length = 0, null_count = 0;
    std::vector<std::vector<std::uint8_t>> buffers;  // buffers[0] is validity (empty: no nulls)
    std::unique_ptr<Column> dictionary;
};

namespace {

using Column = ArrowTableBuilder::Column;

template <class T>
std::vector<std::uint8_t> bytes(const std::vector<T>& v) {
    std::vector<std::uint8_t> out(v.size() * sizeof(T));
    if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
    return out;
}

// A validity bitmap from "is valid" per row; empty when every row is.
template <class Valid>
std::vector<std::uint8_t> validity(std::size_t rows, Valid valid, std::int64_t& nulls) {
    std::vector<std::uint8_t> bits((rows + 7) / 8, 0);
    nulls = 0;
    for (std::size_t i = 0; i < rows; ++i) {
        if (valid(i)) bits[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
        else ++nulls;
    }
    if (nulls == 0) bits.clear();
    return bits;
}

template <class T>
void append_bytes(std::vector<std::uint8_t>& out, T value) {
    const std::size_t at = out.size();
    out.resize(at + sizeof value);
    std::memcpy(out.data() + at, &value, sizeof value);
}

std::unique_ptr<Column> text_column(std::string name, TextColumn::Parts parts) {
    auto c = std::make_unique<Column>();
    c->format = "U";
    c->name = std::move(name);
    c->length = static_cast<std::int64_t>(parts.rows);
    c->null_count = parts.nulls;
    if (parts.nulls == 0) parts.validity.clear();
    c->buffers = {std::move(parts.validity), std::move(parts.offsets), std::move(parts.data)};
    return c;
}

std::unique_ptr<Column> text_column(std::string name, const std::vector<std::string>& values, bool empty_is_null) {
    TextColumn text(values.size(), empty_is_null);
    for (const auto& s : values) text.push_back(s);
    return text_column(std::move(name), std::move(text).parts());
}

// --- export: schema and array trees that own what they point at ---
struct SchemaData {
    std::string format, name;
    std::vector<ArrowSchema*> children;
    ArrowSchema* dictionary = nullptr;
};
// A node's release: its children and dictionary (still there unless the
// consumer moved them out, which nulls their release), then its own data.
template <class Node, class Data>
void release_tree(Node* node) {
    auto* d = static_cast<Data*>(node->private_data);
    auto free_node = [](Node* n) {
        if (n->release) n->release(n);
        delete n;
    };
    for (Node* c : d->children) free_node(c);
    if (d->dictionary) free_node(d->dictionary);
    delete d;
    node->release = nullptr;
}
void fill_schema(ArrowSchema& s, const std::string& format, const std::string& name, std::int64_t flags) {
    auto* d = new SchemaData{format, name, {}, nullptr};
    s = ArrowSchema{};
    s.format = d->format.c_str();
    s.name = d->name.c_str();
    s.flags = flags;
    s.release = &release_tree<ArrowSchema, SchemaData>;
    s.private_data = d;
}
void column_schema(ArrowSchema& s, const Column& c) {
    fill_schema(s, c.format, c.name, c.flags);
    if (c.dictionary) {
        auto* d = static_cast<SchemaData*>(s.private_data);
        d->dictionary = new ArrowSchema;
        column_schema(*d->dictionary, *c.dictionary);
        s.dictionary = d->dictionary;
    }
}

struct ArrayData {
    std::vector<std::vector<std::uint8_t>> buffers;
    std::vector<const void*> pointers;
    std::vector<ArrowArray*> children;
    ArrowArray* dictionary = nullptr;
};
constexpr auto release_array = &release_tree<ArrowArray, ArrayData>;
void column_array(ArrowArray& a, Column& c) {
    auto* d = new ArrayData;
    d->buffers = std::move(c.buffers);
    // An empty data buffer (a table of no rows) still gets an address; validity may be null.
    alignas(64) static const std::uint8_t kNothing[64] = {};
    for (std::size_t i = 0; i < d->buffers.size(); ++i)
        d->pointers.push_back(!d->buffers[i].empty() ? d->buffers[i].data() : i == 0 ? nullptr : kNothing);
    a = ArrowArray{};
    a.length = c.length;
    a.null_count = c.null_count;
    a.n_buffers = static_cast<std::int64_t>(d->pointers.size());
    a.buffers = d->pointers.data();
    a.release = release_array;
    a.private_data = d;
    if (c.dictionary) {
        d->dictionary = new ArrowArray;
        column_array(*d->dictionary, *c.dictionary);
        a.dictionary = d->dictionary;
    }
}

struct StreamData {
    std::int64_t rows;
    std::vector<std::unique_ptr<Column>> columns;
    bool sent = false;
};
int stream_schema(ArrowArrayStream* s, ArrowSchema* out) {
    auto* d = static_cast<StreamData*>(s->private_data);
    fill_schema(*out, "+s", "", 0);
    auto* sd = static_cast<SchemaData*>(out->private_data);
    for (const auto& c : d->columns) {
        sd->children.push_back(new ArrowSchema);
        column_schema(*sd->children.back(), *c);
    }
    out->n_children = static_cast<std::int64_t>(sd->children.size());
    out->children = sd->children.data();
    return 0;
}
int stream_next(ArrowArrayStream* s, ArrowArray* out) {
    auto* d = static_cast<StreamData*>(s->private_data);
    *out = ArrowArray{};
    if (d->sent) return 0;  // released: the end of the stream
    d->sent = true;
    auto* ad = new ArrayData;
    ad->pointers.push_back(nullptr);  // a struct array's validity: no nulls
    for (auto& c : d->columns) {
        ad->children.push_back(new ArrowArray);
        column_array(*ad->children.back(), *c);
    }
    out->length = d->rows;
    out->n_buffers = 1;
    out->buffers = ad->pointers.data();
    out->n_children = static_cast<std::int64_t>(ad->children.size());
    out->children = ad->children.data();
    out->release = release_array;
    out->private_data = ad;
    return 0;
}
const char* stream_error(ArrowArrayStream*) { return nullptr; }
void stream_release(ArrowArrayStream* s) {
    delete static_cast<StreamData*>(s->private_data);
    s->release = nullptr;
}

}  // namespace

TextColumn::TextColumn(std::size_t rows, bool empty_is_null) : empty_is_null_(empty_is_null) {
    offsets_.reserve((rows + 1) * sizeof(std::int64_t));
    append_bytes(offsets_, std::int64_t{0});
    if (empty_is_null_) validity_.reserve((rows + 7) / 8);
}

void TextColumn::push_back(std::string_view text) {
    data_.insert(data_.end(), text.begin(), text.end());
    append_bytes(offsets_, static_cast<std::int64_t>(data_.size()));
    if (empty_is_null_) {
        if (rows_ % 8 == 0) validity_.push_back(0);
        if (text.empty()) ++nulls_;
        else validity_.back() |= static_cast<std::uint8_t>(1u << (rows_ % 8));
    }
    ++rows_;
}

void TextColumn::append(const TextColumn& more) {
    if (empty_is_null_ && rows_ % 8 != 0) throw std::logic_error("TextColumn::append: validity bits not on a byte boundary");
    const auto base = static_cast<std::int64_t>(data_.size());
    data_.insert(data_.end(), more.data_.begin(), more.data_.end());
    for (std::size_t i = 1; i <= more.rows_; ++i) {
        std::int64_t end;
        std::memcpy(&end, more.offsets_.data() + i * sizeof end, sizeof end);
        append_bytes(offsets_, base + end);
    }
    if (empty_is_null_) validity_.insert(validity_.end(), more.validity_.begin(), more.validity_.end());
    rows_ += more.rows_;
    nulls_ += more.nulls_;
}

TextColumn::Parts TextColumn::parts() && {
    return {std::move(offsets_), std::move(data_), std::move(validity_), rows_, nulls_};
}

ArrowTableBuilder::ArrowTableBuilder(std::size_t rows) : rows_(rows) {}
ArrowTableBuilder::~ArrowTableBuilder() = default;
ArrowTableBuilder::ArrowTableBuilder(ArrowTableBuilder&&) noexcept = default;

void ArrowTableBuilder::strings(std::string name, const std::vector<std::string>& values, bool empty_is_null) {
    columns_.push_back(text_column(std::move(name), values, empty_is_null));
}
void ArrowTableBuilder::strings(std::string name, TextColumn values) {
    columns_.push_back(text_column(std::move(name), std::move(values).parts()));
}

void ArrowTableBuilder::codes(std::string name, const std::vector<std::int8_t>& codes, const std::vector<std::string>& labels) {
    auto c = std::make_unique<Column>();
    c->format = "c";
    c->name = std::move(name);
    c->length = static_cast<std::int64_t>(codes.size());
    c->flags = ARROW_FLAG_NULLABLE | ARROW_FLAG_DICTIONARY_ORDERED;
    c->buffers = {validity(codes.size(), [&](std::size_t i) { return codes[i] >= 0; }, c->null_count), bytes(codes)};
    c->dictionary = text_column("", labels, false);
    c->dictionary->format = "u";  // int32 offsets: a vocabulary is short
    std::vector<std::int32_t> offsets{0};
    for (const auto& l : labels) offsets.push_back(offsets.back() + static_cast<std::int32_t>(l.size()));
    c->dictionary->buffers[1] = bytes(offsets);
    columns_.push_back(std::move(c));
}

namespace {
template <class T>
std::unique_ptr<Column> plain(std::string format, std::string name, const std::vector<T>& values) {
    auto c = std::make_unique<Column>();
    c->format = std::move(format);
    c->name = std::move(name);
    c->length = static_cast<std::int64_t>(values.size());
    c->buffers = {{}, bytes(values)};
    return c;
}
}  // namespace

void ArrowTableBuilder::float64(std::string name, const std::vector<double>& values) {
    columns_.push_back(plain("g", std::move(name), values));
}
void ArrowTableBuilder::int32(std::string name, const std::vector<std::int32_t>& values) {
    columns_.push_back(plain("i", std::move(name), values));
}
void ArrowTableBuilder::booleans(std::string name, const std::vector<std::uint8_t>& values) {
    auto c = plain("b", std::move(name), std::vector<std::uint8_t>{});
    c->length = static_cast<std::int64_t>(values.size());
    c->buffers[1].assign((values.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i]) c->buffers[1][i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
    columns_.push_back(std::move(c));
}
void ArrowTableBuilder::timestamps(std::string name, const std::vector<std::int64_t>& micros) {
    auto c = plain("tsu:UTC", std::move(name), micros);
    c->buffers[0] = validity(micros.size(), [&](std::size_t i) { return micros[i] != INT64_MIN; }, c->null_count);
    columns_.push_back(std::move(c));
}
void ArrowTableBuilder::dates(std::string name, const std::vector<std::int64_t>& days) {
    std::vector<std::int32_t> narrow;
    narrow.reserve(days.size());
    for (auto d : days) narrow.push_back(d == INT64_MIN ? 0 : static_cast<std::int32_t>(d));
    auto c = plain("tdD", std::move(name), narrow);
    c->buffers[0] = validity(days.size(), [&](std::size_t i) { return days[i] != INT64_MIN; }, c->null_count);
    columns_.push_back(std::move(c));
}

void ArrowTableBuilder::export_stream(ArrowArrayStream& out) && {
    out = ArrowArrayStream{};
    out.get_schema = &stream_schema;
    out.get_next = &stream_next;
    out.get_last_error = &stream_error;
    out.release = &stream_release;
    out.private_data = new StreamData{static_cast<std::int64_t>(rows_), std::move(columns_), false};
}

}  // namespace pursuit
