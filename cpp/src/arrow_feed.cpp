// An Arrow stream (a table, a Parquet file read batch by batch) fed to the
// store a slice of rows at a time, in bounded memory: the events and errors of
// read_arrow_stream, in row order. Repeated ids are the store's to judge, as
// for any table.
#include <memory>
#include <optional>

#include "block_feed.hpp"
#include "pursuit/arrow.hpp"
#include "pursuit/pieces.hpp"

namespace pursuit {
namespace {

class ArrowFeed final : public BlockFeed {
public:
    ArrowFeed(ArrowArrayStream& stream, OnError on_error, std::optional<std::size_t> rows)
        : BlockFeed(on_error), pieces_(stream, on_error, kPieceEvents), rows_(rows) {}

private:
    struct Rows : Block {
        ArrowEvents read;
    };

    std::optional<std::size_t> upper_bound() override { return rows_; }

    void read_block() override {
        auto block = std::make_unique<Rows>();
        block->read.rows = rows_read_;  // row numbers go on from the slice before
        if (!pieces_.next(block->read)) {
            ended_ = true;
            return;
        }
        rows_read_ = block->read.rows;
        for (auto& err : block->read.errors) report(std::move(err));  // collect only: raise has thrown
        block->taken.reserve(block->read.events.size());
        for (const Event& e : block->read.events) block->taken.push_back(&e);
        add(std::move(block));
    }

    ArrowPieces pieces_;
    std::optional<std::size_t> rows_;  // the stream's rows, if the caller knows them
    std::size_t rows_read_ = 0;
};

}  // namespace

std::unique_ptr<EventFeed> arrow_feed(ArrowArrayStream& stream, OnError on_error, std::optional<std::size_t> rows) {
    return std::make_unique<ArrowFeed>(stream, on_error, rows);
}

}  // namespace pursuit
