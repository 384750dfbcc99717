import {
  DownOutlined,
  FileOutlined,
  IdcardOutlined,
  LinkOutlined,
  MobileOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UpOutlined,
} from '@ant-design/icons';
import {
  Button,
  Card,
  Descriptions,
  Select,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { customersApi, EVENT_TYPES, type TimelineEntry, type TimelineFilter } from '../../api';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormatters } from '../../i18n/format';
import type { Channels } from '../../lib/useChannels';
import { useCursorList } from '../../lib/useCursorList';
import { TouchpointFilter, TouchpointTag } from '../journeys/TouchpointSelect';
import { useValueText } from './customerDisplay';
import { isEventType } from './ProfileCards';

const TYPE_ICONS: Record<string, ReactNode> = {
  track: <ThunderboltOutlined />,
  identify: <IdcardOutlined />,
  page: <FileOutlined />,
  screen: <MobileOutlined />,
  group: <TeamOutlined />,
  alias: <LinkOutlined />,
};
const TYPE_COLORS: Record<string, string> = {
  track: '#4f46e5',
  identify: '#10b981',
  page: '#0ea5e9',
  screen: '#0ea5e9',
  group: '#f59e0b',
  alias: '#8c8ca1',
};

/** The calendar day of a time in the reader's time zone, to group the timeline by day. */
const dayOf = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};

function Properties({ entry }: { entry: TimelineEntry }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const text = useValueText();
  const entries = Object.entries(entry.properties);
  return (
    <div className="tp-tl-props" data-testid="timeline-properties">
      {entries.length > 0 && (
        <Descriptions
          size="small"
          bordered
          column={1}
          items={entries.map(([key, value]) => ({
            key,
            label: <span className="tp-mono">{key}</span>,
            children:
              typeof value === 'object' && value !== null ? (
                <code className="tp-mono tp-break">{JSON.stringify(value)}</code>
              ) : (
                <span className="tp-break">{text.value(value)}</span>
              ),
          }))}
        />
      )}
      <Typography.Text type="secondary" className="tp-small">
        {t('customer.timeline.received', { time: format.dateTime(entry.receivedAt) })} ·{' '}
        <span className="tp-mono">{entry.id}</span>
      </Typography.Text>
    </div>
  );
}

function TimelineItem({ entry, channels }: { entry: TimelineEntry; channels: Channels }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const [open, setOpen] = useState(false);
  const typeLabel = isEventType(entry.type) ? t(`customer.timeline.types.${entry.type}`) : entry.type;
  const count = Object.keys(entry.properties).length;
  return (
    <div className="tp-tl-item" data-testid="timeline-entry">
      <div className="tp-tl-head">
        <span className="tp-tl-name">{entry.name ?? typeLabel}</span>
        {entry.name !== null && (
          <Tag variant="filled" className="tp-tl-tag">
            {typeLabel}
          </Tag>
        )}
        <Tag color="blue" variant="outlined" className="tp-tl-tag" data-testid="timeline-channel">
          {channels.nameOf(entry.channel)}
        </Tag>
        {entry.touchpoint && <TouchpointTag touchpoint={entry.touchpoint} />}
        {/* The day is the group heading above; the tooltip has the full date. */}
        <Tooltip title={format.dateTime(entry.timestamp)}>
          <time dateTime={entry.timestamp} className="tp-tl-time">
            {format.time(entry.timestamp)}
          </time>
        </Tooltip>
      </div>
      <Button
        type="link"
        size="small"
        className="tp-tl-toggle"
        icon={open ? <UpOutlined /> : <DownOutlined />}
        iconPlacement="end"
        onClick={() => setOpen((value) => !value)}
        aria-expanded={open}
      >
        {count > 0 ? t('customer.timeline.properties', { count }) : t('customer.timeline.details')}
      </Button>
      {open && <Properties entry={entry} />}
    </div>
  );
}

/** The customer's events across channels, newest first, filtered by channel and type, grouped by day. */
export function CustomerTimeline({ customerId, channels }: { customerId: string; channels: Channels }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const [filter, setFilter] = useState<TimelineFilter>({});
  const list = useCursorList<TimelineEntry>(
    ({ cursor, signal }) => customersApi.timeline(customerId, filter, { cursor, signal, limit: 25 }),
    `${customerId}|${filter.channel ?? ''}|${filter.type ?? ''}|${filter.touchpoint ?? ''}`,
  );
  const filtered = Boolean(filter.channel || filter.type || filter.touchpoint);

  const items = useMemo(() => {
    const result: Array<{ key: string; color?: string; icon?: ReactNode; content: ReactNode }> = [];
    let day: string | null = null;
    for (const entry of list.items) {
      const entryDay = dayOf(entry.timestamp);
      if (entryDay !== day) {
        day = entryDay;
        result.push({
          key: `day-${entryDay}`,
          color: 'gray',
          icon: <span className="tp-tl-day-dot" />,
          content: <div className="tp-tl-day">{format.date(entry.timestamp)}</div>,
        });
      }
      result.push({
        key: entry.id,
        icon: (
          <span className="tp-tl-icon" style={{ color: TYPE_COLORS[entry.type] ?? '#8c8ca1' }}>
            {TYPE_ICONS[entry.type] ?? <ThunderboltOutlined />}
          </span>
        ),
        content: <TimelineItem entry={entry} channels={channels} />,
      });
    }
    return result;
  }, [list.items, channels, format]);

  const filters = (
    <Space size={8} wrap>
      <Select
        allowClear
        size="small"
        style={{ width: 150 }}
        placeholder={t('customer.timeline.allChannels')}
        aria-label={t('customer.timeline.channel')}
        value={filter.channel}
        onChange={(channel?: string) => setFilter((f) => ({ ...f, channel }))}
        options={channels.channels.map((c) => ({ value: c.key, label: channels.nameOf(c.key) }))}
        data-testid="timeline-channel-filter"
      />
      <Select
        allowClear
        size="small"
        style={{ width: 140 }}
        placeholder={t('customer.timeline.allTypes')}
        aria-label={t('customer.timeline.type')}
        value={filter.type}
        onChange={(type?: string) => setFilter((f) => ({ ...f, type }))}
        options={EVENT_TYPES.map((type) => ({ value: type, label: t(`customer.timeline.types.${type}`) }))}
        data-testid="timeline-type-filter"
      />
      <TouchpointFilter
        value={filter.touchpoint}
        onChange={(touchpoint) => setFilter((f) => ({ ...f, touchpoint }))}
        testId="timeline-touchpoint-filter"
      />
    </Space>
  );

  let body: ReactNode;
  if (list.error && list.items.length === 0) {
    body = <ErrorState error={list.error} onRetry={list.reload} title={t('customer.timeline.loadFailed')} />;
  } else if (list.loading) {
    body = <Skeleton active avatar={{ size: 'small' }} paragraph={{ rows: 6 }} />;
  } else if (list.items.length === 0) {
    body = (
      <EmptyState
        title={filtered ? t('customer.timeline.emptyFiltered') : t('customer.timeline.empty')}
        action={
          filtered && (
            <Button size="small" onClick={() => setFilter({})}>
              {t('common.reset')}
            </Button>
          )
        }
      />
    );
  } else {
    body = (
      <>
        <div data-testid="timeline">
          <Timeline className="tp-timeline" items={items} />
        </div>
        {list.error !== null && <ErrorState error={list.error} onRetry={list.loadMore} />}
        {list.hasMore ? (
          <div className="tp-load-more tp-load-more-plain">
            <Button onClick={list.loadMore} loading={list.loadingMore} data-testid="timeline-load-more">
              {t('common.loadMore')}
            </Button>
          </div>
        ) : (
          <div className="tp-list-end">{t('customer.timeline.end')}</div>
        )}
      </>
    );
  }

  return (
    <Card title={t('customer.timeline.title')} extra={filters} data-testid="card-timeline">
      {body}
    </Card>
  );
}
