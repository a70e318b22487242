// Operator news of the Directory (FEATURES I3): written by the admin CLI, read by everyone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "relay/directory/directory.h"
#include "relay/directory/directory_impl.h"

namespace ccc::relay::directory {
namespace {

using detail::Connection;
using sqlite::Database;
using sqlite::Statement;

// The next code point of valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF),
// advancing `pos`; nullopt at invalid bytes.
std::optional<uint32_t> NextCodePoint(std::string_view text, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(pos);
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    ++pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (pos + length > text.size()) return std::nullopt;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  pos += length;
  return cp;
}

// 1..max_chars characters of valid UTF-8, not only white space, without control characters
// (C0, DEL, C1) except line breaks and tabs where `multiline`.
Status CheckText(std::string_view field, std::string_view text, size_t max_chars, bool multiline) {
  const std::string name(field);
  size_t chars = 0;
  bool blank = true;
  for (size_t pos = 0; pos < text.size();) {
    std::optional<uint32_t> cp = NextCodePoint(text, pos);
    if (!cp) return InvalidArgument(name + " is not valid UTF-8");
    const bool line_break = *cp == '\n' || *cp == '\r' || *cp == '\t';
    if ((*cp < 0x20 || (*cp >= 0x7F && *cp <= 0x9F)) && !(multiline && line_break)) {
      return InvalidArgument(name + " must not contain control characters");
    }
    if (*cp != ' ' && !line_break) blank = false;
    ++chars;
  }
  if (chars == 0 || blank) return InvalidArgument(name + " must not be empty");
  if (chars > max_chars) {
    return InvalidArgument(name + " must be at most " + std::to_string(max_chars) +
                           " characters (it has " + std::to_string(chars) + ")");
  }
  return Status::Ok();
}

// News belong to no company: the audit row must not take one from the actor.
Actor WithoutCompany(const Actor& actor) {
  Actor global = actor;
  global.company_id.reset();
  return global;
}

NewsItem ReadNewsItem(const Statement& stmt) {
  NewsItem item;
  item.id = stmt.ColumnInt(0);
  item.title = stmt.ColumnText(1);
  item.body = stmt.ColumnText(2);
  item.published_ms = stmt.ColumnInt(3);
  item.created_by = stmt.ColumnText(4);
  return item;
}

}  // namespace

Result<int64_t> Directory::AddNews(const std::string& title, const std::string& body, Ms now,
                                   const Actor& actor) {
  CCC_RETURN_IF_ERROR(CheckText("title", title, kMaxNewsTitleChars, /*multiline=*/false));
  CCC_RETURN_IF_ERROR(CheckText("body", body, kMaxNewsBodyChars, /*multiline=*/true));
  return impl_->Write<int64_t>([&](Database& db) -> Result<int64_t> {
    Result<Statement> insert = db.Prepare(
        "INSERT INTO news(title, body, published_at_ms, created_by) VALUES(?1, ?2, ?3, ?4)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, std::string_view(title))
        .Bind(2, std::string_view(body))
        .Bind(3, now)
        .Bind(4, std::string_view(actor.label));
    CCC_RETURN_IF_ERROR(insert->Run());
    const int64_t id = db.LastInsertRowId();
    CCC_RETURN_IF_ERROR(detail::AppendAuditRow(db, WithoutCompany(actor), "news.add", "news",
                                               std::to_string(id), detail::Json({{"title", title}}),
                                               now));
    return id;
  });
}

Result<Page<NewsItem>> Directory::ListNews(const ListQuery& query) {
  CCC_RETURN_IF_ERROR(detail::ValidatePaging(query));
  static constexpr detail::SortKey kKeys[] = {{"published", "published_at_ms"}};
  Result<std::string> order = detail::OrderBy(query, kKeys, "id", /*default_descending=*/true);
  if (!order.ok()) return order.status();
  const std::string where =
      " WHERE ?1 = '' OR title LIKE ?2 ESCAPE '\\' OR body LIKE ?2 ESCAPE '\\'";
  const std::string like = detail::LikePattern(query.q);
  const auto bind_filter = [&](Statement& stmt) {
    stmt.Bind(1, std::string_view(query.q)).Bind(2, std::string_view(like));
  };
  return impl_->Read<Page<NewsItem>>([&](Connection& c) -> Result<Page<NewsItem>> {
    Page<NewsItem> page;
    Result<int64_t> total = detail::CountRows(c, "SELECT count(*) FROM news" + where, bind_filter);
    if (!total.ok()) return total.status();
    page.total = *total;
    Result<Statement*> stmt =
        c.Cached("SELECT id, title, body, published_at_ms, created_by FROM news" + where + *order +
                 " LIMIT ?3 OFFSET ?4");
    if (!stmt.ok()) return stmt.status();
    bind_filter(**stmt);
    (*stmt)->Bind(3, query.limit).Bind(4, query.offset);
    Result<std::vector<NewsItem>> items = detail::ReadAll(**stmt, ReadNewsItem);
    if (!items.ok()) return items.status();
    page.items = std::move(*items);
    return page;
  });
}

Status Directory::RemoveNews(int64_t id, const Actor& actor) {
  return impl_->Write([&](Database& db) -> Status {
    Result<Statement> del = db.Prepare("DELETE FROM news WHERE id = ?1 RETURNING title");
    if (!del.ok()) return del.status();
    del->Bind(1, id);
    Result<bool> row = del->Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotFound("no news item " + std::to_string(id));
    const std::string title = del->ColumnText(0);
    CCC_RETURN_IF_ERROR(del->Run());
    return detail::AppendAuditRow(db, WithoutCompany(actor), "news.remove", "news",
                                  std::to_string(id), detail::Json({{"title", title}}),
                                  detail::NowMs());
  });
}

}  // namespace ccc::relay::directory
