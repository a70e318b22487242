import { zodResolver } from "@hookform/resolvers/zod";
import type { TFunction } from "i18next";
import { FileDown, RotateCcw } from "lucide-react";
import { useEffect, useId, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import {
  CALL_DIRECTIONS,
  CALL_RESULTS,
  CALL_SORT_KEYS,
  KNOWN_CALL_TYPES,
  callsCsvUrl,
  totalCappedOf,
  useCalls,
  type CallRecord,
  type Scope,
} from "../../api/pbxdata";
import { DataList, defaultListState, useListState, type Column } from "../../components/list";
import { formatDateTime } from "../../components/format";
import ExportDialog from "./ExportDialog";
import {
  CALL_FILTER_KEYS,
  DEFAULT_RANGE,
  RANGE_PRESETS,
  callFiltersFromUrl,
  customRangeSchema,
  dateInputValue,
  parseId,
  rangeFromUrl,
  useUrlFilters,
  type CustomRange,
  type RangeChoice,
} from "./filters";
import { formatDuration, isoDuration } from "./format";
import { FilterSelect, OrNone, RefusalNotice, SystemCell, SystemFilter, refusalOf } from "./frame";
import {
  Badge,
  IconText,
  callTypeText,
  directionIcon,
  directionText,
  resultLook,
  resultText,
  usePbxTexts,
  type PbxTexts,
} from "./statuses";

const DEFAULTS = defaultListState("time", "desc");

// Call data (FEATURES H1-H4) of one system, or of every system on which the user may see
// call data (systemId null): period, number/name, result, direction and call type filters,
// sorted and paged by the server, and the CSV export behind the legal notice (H3).
export function CallsView({ systemId }: { systemId: number | null }) {
  const { t, i18n } = useTranslation("pbxdata");
  const texts = usePbxTexts();
  const language = i18n.language;
  const fleet = systemId === null;
  const [state, setState] = useListState(DEFAULTS, CALL_SORT_KEYS);
  const [values, setFilters] = useUrlFilters(CALL_FILTER_KEYS);
  const filterSystemId = fleet ? parseId(values.system_id) : null;
  const scope: Scope = systemId === null ? { systemId: null, filterSystemId } : { systemId };
  const filters = callFiltersFromUrl(values, new Date());
  const list = useCalls(scope, state, filters);
  const [exporting, setExporting] = useState(false);
  const filtered =
    filters.result !== null || filters.direction !== null || filters.callType !== null || filterSystemId !== null;
  const rangeSet = values.range !== null;

  const columns = useMemo(() => callColumns(t, texts, language, fleet), [t, texts, language, fleet]);

  const refusal = refusalOf(list.error);
  if (refusal) return <RefusalNotice error={list.error} area="calls" systemId={systemId} />;

  const total = list.data?.total ?? 0;
  const capped = totalCappedOf(list.data);
  const typeOptions: { value: string; label: string }[] = KNOWN_CALL_TYPES.map((value) => ({ value, label: texts.callType[value] }));
  if (filters.callType && !typeOptions.some((option) => option.value === filters.callType)) {
    typeOptions.push({ value: filters.callType, label: filters.callType });
  }

  return (
    <>
      <div className="pbx-filters" role="group" aria-label={t("page.filters")}>
        {fleet && (
          <SystemFilter
            systemId={filterSystemId}
            onChange={(id) => setFilters({ system_id: id === null ? null : String(id) })}
            action="call_data"
          />
        )}
        <PeriodFilter
          choice={rangeFromUrl(values.range, values.from, values.to)}
          onPreset={(preset) => setFilters({ range: preset === DEFAULT_RANGE ? null : preset, from: null, to: null })}
          onCustom={(range) => setFilters({ range: "custom", from: range.from, to: range.to })}
        />
        <FilterSelect
          label={t("calls.resultFilter")}
          value={filters.result}
          allLabel={t("page.all")}
          options={CALL_RESULTS.map((value) => ({ value, label: texts.result[value] }))}
          onChange={(value) => setFilters({ result: value })}
          testId="result-filter"
        />
        <FilterSelect
          label={t("calls.directionFilter")}
          value={filters.direction}
          allLabel={t("page.all")}
          options={CALL_DIRECTIONS.map((value) => ({ value, label: texts.direction[value] }))}
          onChange={(value) => setFilters({ direction: value })}
          testId="direction-filter"
        />
        <FilterSelect
          label={t("calls.typeFilter")}
          value={filters.callType}
          allLabel={t("page.all")}
          options={typeOptions}
          onChange={(value) => setFilters({ call_type: value })}
          testId="type-filter"
        />
        {(filtered || rangeSet) && (
          <button
            type="button"
            className="button"
            onClick={() =>
              setFilters({ range: null, from: null, to: null, result: null, direction: null, call_type: null, system_id: null })
            }
          >
            <RotateCcw aria-hidden size={16} />
            {t("page.resetFilters")}
          </button>
        )}
      </div>
      {capped && (
        <p className="notice info pbx-capped" data-testid="calls-capped">
          {t("calls.capped", { count: total })}
        </p>
      )}
      <DataList
        caption={t("calls.caption")}
        columns={columns}
        rowKey={(row) => (row.system ? `${row.system.id}/${row.id}` : row.id)}
        state={state}
        onStateChange={setState}
        data={list.data}
        isLoading={list.isLoading}
        isFetching={list.isFetching}
        error={list.error}
        onRetry={() => void list.refetch()}
        emptyText={filtered ? t("calls.noMatch") : t("calls.empty")}
        noMatchText={t("calls.noMatch")}
        filterLabel={t("calls.filter")}
        toolbar={
          <button type="button" className="button" disabled={!list.data || total === 0} onClick={() => setExporting(true)}>
            <FileDown aria-hidden size={16} />
            {t("calls.export.button")}
          </button>
        }
        testId="calls-table"
      />
      <ExportDialog
        open={exporting}
        onClose={() => setExporting(false)}
        href={callsCsvUrl(scope, state, filters)}
        total={total}
        capped={capped}
      />
    </>
  );
}

function callColumns(
  t: TFunction<"pbxdata">,
  texts: PbxTexts,
  language: string,
  fleet: boolean,
): Column<CallRecord>[] {
  const none = texts.notGiven;
  const columns: Column<CallRecord>[] = [
    {
      id: "time",
      header: t("calls.columns.time"),
      sortable: true,
      cell: (row) => (
        <time dateTime={row.start} className="pbx-nowrap">
          {formatDateTime(row.start, language)}
        </time>
      ),
    },
    {
      id: "duration",
      header: t("calls.columns.duration"),
      sortable: true,
      align: "end",
      cell: (row) => (
        <time dateTime={isoDuration(row.duration_s)} className="pbx-number">
          {formatDuration(row.duration_s)}
        </time>
      ),
    },
    {
      id: "direction",
      header: t("calls.columns.direction"),
      cell: (row) => <IconText icon={directionIcon(row.direction)} text={directionText(texts, row.direction)} />,
    },
    {
      id: "externalNumber",
      header: t("calls.columns.externalNumber"),
      cell: (row) =>
        !row.external_number && row.direction === "incoming" ? (
          <span className="pbx-muted">{texts.withheld}</span>
        ) : (
          <OrNone value={row.external_number} none={none} className="pbx-nowrap" />
        ),
    },
    {
      id: "externalName",
      header: t("calls.columns.externalName"),
      hideBelow: 640,
      cell: (row) => <OrNone value={row.external_name} none={none} />,
    },
    {
      id: "billingNumber",
      header: t("calls.columns.billingNumber"),
      hideBelow: 900,
      cell: (row) => <OrNone value={row.billing_number} none={none} className="pbx-nowrap" />,
    },
    {
      id: "billingName",
      header: t("calls.columns.billingName"),
      hideBelow: 900,
      cell: (row) => <OrNone value={row.billing_name} none={none} />,
    },
    {
      id: "realName",
      header: t("calls.columns.realName"),
      hideBelow: 900,
      cell: (row) => <OrNone value={row.real_name} none={none} />,
    },
    {
      id: "ownNumber",
      header: t("calls.columns.ownNumber"),
      hideBelow: 900,
      cell: (row) => <OrNone value={row.own_number} none={none} className="pbx-nowrap" />,
    },
    {
      id: "result",
      header: t("calls.columns.result"),
      cell: (row) => <Badge look={resultLook(row.result)} text={resultText(texts, row.result)} />,
    },
    {
      id: "callType",
      header: t("calls.columns.callType"),
      hideBelow: 640,
      cell: (row) => <OrNone value={row.call_type ? callTypeText(texts, row.call_type) : ""} none={none} />,
    },
  ];
  if (fleet) {
    columns.unshift({
      id: "system",
      header: t("calls.columns.system"),
      cell: (row) => (row.system ? <SystemCell system={row.system} /> : null),
    });
  }
  return columns;
}

// The period: today, the last 7 or 30 days, or whole days chosen by date. A custom
// period applies when its form is submitted, not on every change of a date field.
function PeriodFilter({
  choice,
  onPreset,
  onCustom,
}: {
  choice: RangeChoice;
  onPreset: (preset: (typeof RANGE_PRESETS)[number]) => void;
  onCustom: (range: CustomRange) => void;
}) {
  const { t } = useTranslation("pbxdata");
  const id = useId();
  const [custom, setCustom] = useState(choice.kind === "custom");
  // The address changed from outside (Back, reset): follow it.
  useEffect(() => setCustom(choice.kind === "custom"), [choice.kind]);
  const presetLabels: Record<(typeof RANGE_PRESETS)[number], string> = {
    today: t("calls.range.today"),
    "7d": t("calls.range.days7"),
    "30d": t("calls.range.days30"),
  };
  const initial: CustomRange =
    choice.kind === "custom"
      ? { from: choice.from, to: choice.to }
      : { from: dateInputValue(new Date(Date.now() - 6 * 86_400_000)), to: dateInputValue(new Date()) };
  return (
    <>
      <div className="pbx-filter">
        <label htmlFor={`${id}-range`}>{t("calls.range.label")}</label>
        <select
          id={`${id}-range`}
          className="input"
          value={custom ? "custom" : choice.kind}
          data-testid="range-filter"
          onChange={(event) => {
            const value = event.target.value;
            if (value === "custom") {
              setCustom(true);
              return;
            }
            setCustom(false);
            const preset = RANGE_PRESETS.find((candidate) => candidate === value);
            if (preset) onPreset(preset);
          }}
        >
          {RANGE_PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {presetLabels[preset]}
            </option>
          ))}
          <option value="custom">{t("calls.range.custom")}</option>
        </select>
      </div>
      {custom && <CustomRangeForm key={`${initial.from}/${initial.to}`} initial={initial} onApply={onCustom} />}
    </>
  );
}

function CustomRangeForm({ initial, onApply }: { initial: CustomRange; onApply: (range: CustomRange) => void }) {
  const { t } = useTranslation("pbxdata");
  const id = useId();
  const form = useForm<CustomRange>({ resolver: zodResolver(customRangeSchema), defaultValues: initial });
  const { errors } = form.formState;
  const field = (name: "from" | "to") => {
    const message = errors[name]?.message;
    return (
      <div className="pbx-filter">
        <label htmlFor={`${id}-${name}`}>{t(`calls.range.${name}`)}</label>
        <input
          id={`${id}-${name}`}
          type="date"
          className="input"
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-${name}-error` : undefined}
          {...form.register(name)}
        />
        {message && (
          <p id={`${id}-${name}-error`} className="field-error">
            {t(`calls.range.${message}`)}
          </p>
        )}
      </div>
    );
  };
  return (
    <form
      className="pbx-range-form"
      noValidate
      aria-label={t("calls.range.custom")}
      onSubmit={(event) => void form.handleSubmit((range) => onApply(range))(event)}
    >
      {field("from")}
      {field("to")}
      <button type="submit" className="button">
        {t("calls.range.apply")}
      </button>
    </form>
  );
}
