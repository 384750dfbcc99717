import { ClockCircleOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Empty, List, Row, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer, CustomerSubscription } from '../../api';
import { EChart, type EChartOption } from '../../components/EChart';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import type { Channels } from '../../lib/useChannels';
import { displayPhone, MaskedTag, useValueText } from './customerDisplay';

const DAY_MS = 86_400_000;
/** A trial this close to its end is worth a reminder or an offer: shown highlighted. */
export const TRIAL_WARNING_DAYS = 3;

/** Traits shown in the basic-information card rather than among the custom traits. */
const BASIC_TRAITS = new Set([
  'gender',
  'birthday',
  'age',
  'region',
  'province',
  'city',
  'language',
  'locale',
]);

/** A card with nothing to show yet: a short line instead of an empty frame. */
function Nothing({ text }: { text: string }) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} className="tp-card-empty" />;
}

export function BasicInfoCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const text = useValueText();
  const { basic } = customer;
  const birthday =
    typeof basic.birthday === 'string' ? format.calendarDate(basic.birthday) : text.value(basic.birthday);
  const language =
    typeof basic.language === 'string' && basic.language ? format.languageName(basic.language) : null;
  return (
    <Card title={t('customer.basic.title')} data-testid="card-basic">
      <Descriptions
        column={1}
        size="small"
        className="tp-profile-descriptions"
        items={[
          { key: 'gender', label: t('customer.basic.gender'), children: text.gender(basic.gender) },
          {
            key: 'birthday',
            label: t('customer.basic.birthday'),
            children:
              basic.age !== null ? (
                <span>
                  {birthday}{' '}
                  <Typography.Text type="secondary">
                    {t('customer.basic.ageYears', { age: format.number(basic.age) })}
                  </Typography.Text>
                </span>
              ) : (
                birthday
              ),
          },
          { key: 'region', label: t('customer.basic.region'), children: text.value(basic.region) },
          { key: 'city', label: t('customer.basic.city'), children: text.value(basic.city) },
          {
            key: 'language',
            label: t('customer.basic.language'),
            children: language ?? text.value(basic.language),
          },
        ]}
      />
    </Card>
  );
}

const PII_ORDER = ['name', 'lastName', 'firstName', 'phone', 'email', 'address', 'nationalId'] as const;
type PiiKey = (typeof PII_ORDER)[number];
const isPiiKey = (key: string): key is PiiKey => (PII_ORDER as readonly string[]).includes(key);

export function ContactCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const text = useValueText();
  const entries = Object.entries(customer.pii)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .sort(
      ([a], [b]) =>
        (isPiiKey(a) ? PII_ORDER.indexOf(a) : PII_ORDER.length) -
        (isPiiKey(b) ? PII_ORDER.indexOf(b) : PII_ORDER.length),
    );
  return (
    <Card
      title={t('customer.contact.title')}
      extra={customer.piiMasked && <MaskedTag />}
      data-testid="card-contact"
    >
      {entries.length === 0 ? (
        <Nothing text={t('customer.contact.empty')} />
      ) : (
        <Descriptions
          column={1}
          size="small"
          className="tp-profile-descriptions"
          items={entries.map(([key, value]) => ({
            key,
            label: isPiiKey(key) ? t(`customer.contact.${key}`) : key,
            children: (
              <Typography.Text
                className={key === 'phone' || key === 'nationalId' ? 'tp-mono' : undefined}
                copyable={customer.piiMasked ? false : { text: text.value(value) }}
                data-testid={`pii-${key}`}
              >
                {key === 'phone' && typeof value === 'string' ? displayPhone(value) : text.value(value)}
              </Typography.Text>
            ),
          }))}
        />
      )}
      {customer.piiMasked && (
        <Typography.Paragraph type="secondary" className="tp-card-note">
          {t('customer.contact.maskedNote')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

export function InterestsCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const top = customer.interests[0]?.count ?? 1;
  return (
    <Card title={t('customer.interests.title')} data-testid="card-interests">
      {customer.interests.length === 0 ? (
        <Nothing text={t('customer.interests.empty')} />
      ) : (
        <>
          <div className="tp-interests">
            {customer.interests.map(({ tag, count }) => (
              <Tooltip key={tag} title={t('customer.interests.count', { count: format.number(count) })}>
                <Tag
                  className="tp-interest"
                  variant="filled"
                  color="geekblue"
                  // Stronger interests stand out a little: weight follows the share of the top interest.
                  style={{ opacity: 0.55 + 0.45 * (count / top) }}
                >
                  {tag}
                  <span className="tp-interest-count">{format.number(count)}</span>
                </Tag>
              </Tooltip>
            ))}
          </div>
          <Typography.Paragraph type="secondary" className="tp-card-note">
            {t('customer.interests.help')}
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}

export function ValueCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { value } = customer;
  const stat = (key: string, title: string, content: ReactNode, testId?: string) => (
    <Col xs={12} md={6} key={key}>
      <div className="tp-stat" data-testid={testId}>
        <div className="tp-stat-title">{title}</div>
        <div className="tp-stat-value">{content}</div>
      </div>
    </Col>
  );
  return (
    <Card title={t('customer.value.title')} data-testid="card-value">
      <Row gutter={[16, 16]}>
        {stat(
          'spend',
          t('customer.value.totalSpend'),
          format.money(value.totalSpendMinor, value.currency),
          'value-total-spend',
        )}
        {stat('arpu', t('customer.value.arpu'), format.money(value.arpuMinor, value.currency))}
        {stat('orders', t('customer.value.orders'), format.number(value.orderCount))}
        {stat(
          'last',
          t('customer.value.lastPurchase'),
          value.lastPurchaseAt ? (
            <span className="tp-stat-small">{format.date(value.lastPurchaseAt)}</span>
          ) : (
            <span className="tp-stat-small tp-muted">{t('customer.value.noPurchase')}</span>
          ),
        )}
      </Row>
    </Card>
  );
}

const STATUS_COLORS: Record<string, string> = {
  trial: 'processing',
  active: 'success',
  cancelled: 'default',
};
const isKnownStatus = (status: string): status is 'trial' | 'active' | 'cancelled' =>
  status === 'trial' || status === 'active' || status === 'cancelled';

/** Days until a trial ends (negative once it has), or null without an end date. */
function daysLeft(subscription: CustomerSubscription, now: number): number | null {
  if (subscription.status !== 'trial' || !subscription.trialEndsAt) return null;
  return (Date.parse(subscription.trialEndsAt) - now) / DAY_MS;
}

export function SubscriptionsCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const now = Date.now();
  const order = { trial: 0, active: 1, cancelled: 2 } as Record<string, number>;
  const rows = [...customer.subscriptions].sort(
    (a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3) || b.since.localeCompare(a.since),
  );
  const endingSoon = (s: CustomerSubscription) => {
    const left = daysLeft(s, now);
    return left !== null && left >= 0 && left <= TRIAL_WARNING_DAYS;
  };
  return (
    <Card
      title={t('customer.subscriptions.title')}
      styles={{ body: { padding: rows.length ? 0 : undefined } }}
      data-testid="card-subscriptions"
    >
      {rows.length === 0 ? (
        <Nothing text={t('customer.subscriptions.empty')} />
      ) : (
        <Table<CustomerSubscription>
          size="middle"
          rowKey="product"
          dataSource={rows}
          pagination={false}
          scroll={{ x: 560 }}
          rowClassName={(s) => (endingSoon(s) ? 'tp-row-warning' : '')}
          columns={[
            {
              title: t('customer.subscriptions.product'),
              dataIndex: 'product',
              render: (product: string) => <Typography.Text strong>{product}</Typography.Text>,
            },
            {
              title: t('common.status'),
              dataIndex: 'status',
              render: (status: string) => (
                <Tag color={STATUS_COLORS[status] ?? 'default'}>
                  {isKnownStatus(status) ? t(`customer.subscriptions.statuses.${status}`) : status}
                </Tag>
              ),
            },
            {
              title: t('customer.subscriptions.since'),
              dataIndex: 'since',
              render: (iso: string) => <span className="tp-nowrap">{format.date(iso)}</span>,
            },
            {
              title: t('customer.subscriptions.trialEnds'),
              key: 'ends',
              render: (_, s) => {
                if (s.status === 'cancelled' && s.endedAt)
                  return (
                    <Typography.Text type="secondary" className="tp-nowrap">
                      {t('customer.subscriptions.endedOn', { date: format.date(s.endedAt) })}
                    </Typography.Text>
                  );
                if (!s.trialEndsAt || s.status !== 'trial') return t('common.none');
                const left = daysLeft(s, now) ?? 0;
                return (
                  <Space size={6} wrap data-testid="trial-end">
                    <Tooltip title={format.dateTime(s.trialEndsAt)}>
                      <span className={endingSoon(s) ? 'tp-trial-soon tp-nowrap' : 'tp-nowrap'}>
                        {format.date(s.trialEndsAt)}
                      </span>
                    </Tooltip>
                    {left < 0 ? (
                      <Tag>{t('customer.subscriptions.trialOver')}</Tag>
                    ) : endingSoon(s) ? (
                      <Tag color="warning" icon={<ClockCircleOutlined />} data-testid="trial-ending-soon">
                        {t('customer.subscriptions.endsIn', { time: format.relative(s.trialEndsAt) })}
                      </Tag>
                    ) : (
                      <Typography.Text type="secondary">{format.relative(s.trialEndsAt)}</Typography.Text>
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
      )}
    </Card>
  );
}

const TYPE_KEYS = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
type TypeKey = (typeof TYPE_KEYS)[number];
export const isEventType = (type: string): type is TypeKey => (TYPE_KEYS as readonly string[]).includes(type);

export function EngagementCard({ customer, channels }: { customer: Customer; channels: Channels }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { engagement } = customer;
  const byChannel = useMemo(
    () => Object.entries(engagement.eventsByChannel).sort((a, b) => b[1] - a[1]),
    [engagement.eventsByChannel],
  );
  const unit = t('customer.engagement.unit');
  const chartTitle = t('customer.engagement.byChannel');
  const { nameOf } = channels;
  const option = useMemo<EChartOption>(() => {
    // Largest first from the top: the y axis draws its first category at the bottom.
    const rows = [...byChannel].reverse();
    return {
      title: {
        text: chartTitle,
        left: 0,
        top: 0,
        textStyle: { fontSize: 13, fontWeight: 600, color: '#3f3f55' },
      },
      grid: { left: 8, right: 32, top: 34, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (value: unknown) => `${format.number(Number(value))} ${unit}`,
      },
      xAxis: {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: '#f0f1f5' } },
        axisLabel: { color: '#8c8ca1', formatter: (value: number) => format.number(value) },
      },
      yAxis: {
        type: 'category',
        data: rows.map(([key]) => nameOf(key)),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#e4e5ee' } },
        axisLabel: { color: '#3f3f55' },
      },
      series: [
        {
          type: 'bar',
          name: unit,
          data: rows.map(([, count]) => count),
          barMaxWidth: 18,
          itemStyle: { borderRadius: [0, 4, 4, 0], color: '#4f46e5' },
          label: {
            show: true,
            position: 'right',
            color: '#6b6b80',
            formatter: ({ value }: { value: unknown }) => format.number(Number(value)),
          },
        },
      ],
    } as EChartOption;
  }, [byChannel, chartTitle, unit, nameOf, format]);

  const stats: Array<[string, ReactNode]> = [
    [t('customer.engagement.events'), format.number(engagement.eventCount)],
    [t('customer.engagement.activeDays'), format.number(engagement.activeDays)],
    [
      t('customer.engagement.firstSeen'),
      <Tooltip title={format.dateTime(engagement.firstSeenAt)} key="first">
        <span className="tp-stat-small">{format.date(engagement.firstSeenAt)}</span>
      </Tooltip>,
    ],
    [
      t('customer.engagement.lastSeen'),
      <span className="tp-stat-small" key="last">
        <TimeText iso={engagement.lastSeenAt} relative />
      </span>,
    ],
  ];
  const byType = Object.entries(engagement.eventsByType).sort((a, b) => b[1] - a[1]);

  return (
    <Card title={t('customer.engagement.title')} data-testid="card-engagement">
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={10}>
          <Row gutter={[16, 16]}>
            {stats.map(([title, value]) => (
              <Col span={12} key={title}>
                <div className="tp-stat">
                  <div className="tp-stat-title">{title}</div>
                  <div className="tp-stat-value">{value}</div>
                </div>
              </Col>
            ))}
          </Row>
          {byType.length > 0 && (
            <div className="tp-by-type">
              <div className="tp-stat-title">{t('customer.engagement.byType')}</div>
              <Space size={[6, 6]} wrap>
                {byType.map(([type, count]) => (
                  <Tag key={type} variant="filled">
                    {isEventType(type) ? t(`customer.timeline.types.${type}`) : type}{' '}
                    <b>{format.number(count)}</b>
                  </Tag>
                ))}
              </Space>
            </div>
          )}
        </Col>
        <Col xs={24} lg={14}>
          {byChannel.length === 0 ? (
            <Nothing text={t('customer.engagement.noEvents')} />
          ) : (
            <EChart
              option={option}
              ariaLabel={`${chartTitle}: ${byChannel
                .map(([key, count]) => `${nameOf(key)} ${format.number(count)}`)
                .join(', ')}`}
              height={Math.max(150, 44 + byChannel.length * 30)}
              data-testid="channel-chart"
            />
          )}
        </Col>
      </Row>
    </Card>
  );
}

export function IdentitiesCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const text = useValueText();
  return (
    <Card title={t('customer.identities.title')} data-testid="card-identities">
      {customer.identities.length === 0 ? (
        <Nothing text={t('customer.identities.empty')} />
      ) : (
        <List
          size="small"
          className="tp-identities"
          dataSource={customer.identities}
          renderItem={(identity) => (
            <List.Item key={`${identity.type}:${identity.value}`}>
              <div className="tp-identity">
                <Typography.Text type="secondary" className="tp-identity-type">
                  {text.identityType(identity.type)}
                </Typography.Text>
                <Typography.Text className="tp-mono tp-identity-value" ellipsis={{ tooltip: identity.value }}>
                  {identity.type === 'phone' ? displayPhone(identity.value) : identity.value}
                </Typography.Text>
              </div>
              <Tooltip
                title={t('customer.identities.firstSeen', { time: format.dateTime(identity.firstSeenAt) })}
              >
                <Typography.Text type="secondary" className="tp-nowrap tp-small">
                  {format.date(identity.firstSeenAt)}
                </Typography.Text>
              </Tooltip>
            </List.Item>
          )}
        />
      )}
      <div className="tp-merges" data-testid="merges">
        <div className="tp-stat-title">{t('customer.identities.mergesTitle')}</div>
        {customer.merges.length === 0 ? (
          <Typography.Text type="secondary">{t('customer.identities.noMerges')}</Typography.Text>
        ) : (
          customer.merges.map((merge) => (
            <div className="tp-merge" key={`${merge.fromProfileId}-${merge.at}`}>
              <MergeCellsOutlined className="tp-merge-icon" />
              <div>
                <div>
                  <Typography.Text className="tp-mono">{merge.fromProfileId}</Typography.Text>
                  {merge.fromProfileId === customer.mergedFrom && (
                    <Tag color="blue" style={{ marginInlineStart: 6 }}>
                      {t('customer.identities.opened')}
                    </Tag>
                  )}
                </div>
                <Typography.Text type="secondary" className="tp-small">
                  {t('customer.identities.mergedBy', {
                    type: text.identityType(merge.identifierType),
                    time: format.dateTime(merge.at),
                  })}
                </Typography.Text>
              </div>
            </div>
          ))
        )}
      </div>
    </Card>
  );
}

export function TraitsCard({ customer, extra }: { customer: Customer; extra?: ReactNode }) {
  const { t } = useTranslation();
  const text = useValueText();
  const entries = Object.entries(customer.traits)
    .filter(([key]) => !BASIC_TRAITS.has(key))
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card title={t('customer.traits.title')} extra={extra} data-testid="card-traits">
      {entries.length === 0 ? (
        <Nothing text={t('customer.traits.empty')} />
      ) : (
        <Descriptions
          column={1}
          size="small"
          className="tp-profile-descriptions tp-traits-descriptions"
          items={entries.map(([key, value]) => ({
            key,
            label: <span className="tp-mono">{key}</span>,
            children: <span data-testid={`trait-${key}`}>{text.value(value)}</span>,
          }))}
        />
      )}
    </Card>
  );
}
