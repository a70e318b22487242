import { Newspaper } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useListQuery } from "../../api/list";
import type { NewsItem } from "../../api/types";
import ErrorState from "../../components/ErrorState";
import { defaultListState, FilterBox, lastPageOffset, Pagination, useListState } from "../../components/list";
import Spinner from "../../components/Spinner";
import { formatDateTime } from "../../components/format";
import "./basics.css";

// News has one order only (newest first), so no sort key is sent.
const DEFAULTS = defaultListState("", "desc");
const NO_SORT = { sort: undefined, order: undefined };

// FEATURES I3: the operator's news for every user, as cards (a title and a text read
// better than a table row), filtered and paged by the server like every list.
export default function NewsPage() {
  const { t, i18n } = useTranslation("basics");
  const [state, setState] = useListState(DEFAULTS, []);
  const news = useListQuery<NewsItem>("news", "/news", state, NO_SORT);

  // The field shows what is typed at once; the list state follows when typing pauses.
  // A change of the state from elsewhere (Back, a bookmark) is copied into the field.
  const [text, setText] = useState(state.q);
  const typed = useRef(state.q);
  useEffect(() => {
    if (state.q !== typed.current) {
      typed.current = state.q;
      setText(state.q);
    }
  }, [state.q]);
  const changeFilter = (value: string) => {
    typed.current = value;
    setText(value);
    setState({ ...state, q: value, offset: 0 });
  };

  const data = news.data;
  // A bookmarked page beyond the end (news removed since) shows the last page instead.
  useEffect(() => {
    if (data && data.items.length === 0 && data.total > 0 && state.offset > 0) {
      setState({ ...state, offset: lastPageOffset(data.total, state.limit) });
    }
  }, [data, state, setState]);
  const filtered = state.q.trim() !== "";
  const refreshing = news.isFetching && !!data;

  let body;
  if (!data && news.isError) {
    body = <ErrorState error={news.error} onRetry={() => void news.refetch()} />;
  } else if (!data) {
    body = <Spinner label={t("common:state.loading")} />;
  } else if (data.total === 0) {
    body = (
      <div className="news-empty" data-testid="news-empty">
        <p>{filtered ? t("news.noMatch") : t("news.empty")}</p>
        {filtered && (
          <button type="button" className="button" onClick={() => changeFilter("")}>
            {t("news.clearFilter")}
          </button>
        )}
      </div>
    );
  } else {
    body = (
      <ol
        className="news-list"
        aria-label={t("news.listLabel")}
        aria-busy={refreshing || undefined}
        data-testid="news-list"
      >
        {data.items.map((item) => (
          <li key={item.id}>
            <article className="card news-item" aria-labelledby={`news-${item.id}`}>
              <h2 id={`news-${item.id}`} className="news-title">
                {item.title}
              </h2>
              <p className="basics-muted news-date">
                <time dateTime={item.published_at}>
                  {t("news.published", { date: formatDateTime(item.published_at, i18n.language) })}
                </time>
              </p>
              <p className="news-body">{item.body}</p>
            </article>
          </li>
        ))}
      </ol>
    );
  }

  return (
    <section className="basics-page" data-testid="page-news" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">
          <Newspaper aria-hidden size={24} /> {t("news.title")}
        </h1>
      </header>
      <p className="basics-lead">{t("news.intro")}</p>
      <div className="news-toolbar">
        <FilterBox
          label={t("news.filter")}
          placeholder={t("list:filter.placeholder")}
          value={text}
          onChange={changeFilter}
        />
        <p className="news-status" role="status">
          {data && data.total > 0 && data.items.length > 0
            ? t("news.range", { from: state.offset + 1, to: state.offset + data.items.length, total: data.total })
            : ""}
        </p>
        {refreshing && <Spinner label={t("common:state.loading")} size={14} />}
      </div>
      {data && news.isError && <ErrorState error={news.error} onRetry={() => void news.refetch()} />}
      {body}
      {data && data.total > 0 && (
        <Pagination
          offset={state.offset}
          limit={state.limit}
          total={data.total}
          onPage={(offset) => setState({ ...state, offset })}
          onPageSize={(limit) => setState({ ...state, limit, offset: 0 })}
        />
      )}
    </section>
  );
}
