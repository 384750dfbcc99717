import { DeleteOutlined, EditOutlined, ReloadOutlined, TeamOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Result,
  Row,
  Skeleton,
  Space,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, customersApi, type Customer } from '../../api';
import { ErrorState } from '../../components/states';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { useChannels } from '../../lib/useChannels';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useSession } from '../../session/SessionContext';
import { CustomerSegmentsCard } from '../segments/CustomerSegmentsCard';
import { RequirePermission } from '../settings/RequirePermission';
import { CustomerCasesCard } from './CustomerCasesCard';
import { CustomerSurveysCard } from './CustomerSurveysCard';
import { CustomerAvatar, MaskedTag, useValueText } from './customerDisplay';
import { CustomerTimeline } from './CustomerTimeline';
import { EditTraitsModal } from './EditTraitsModal';
import {
  BasicInfoCard,
  ContactCard,
  EngagementCard,
  IdentitiesCard,
  InterestsCard,
  SubscriptionsCard,
  TraitsCard,
  ValueCard,
} from './ProfileCards';

type Load =
  { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; customer: Customer };

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="tp-fact" data-testid={testId}>
      <div className="tp-fact-label">{label}</div>
      <div className="tp-fact-value">{children}</div>
    </div>
  );
}

function ProfileHeader({ customer, actions }: { customer: Customer; actions: ReactNode }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const text = useValueText();
  const { basic, value, engagement } = customer;
  const activeServices = customer.subscriptions.filter((s) => s.status !== 'cancelled').length;
  const subtitle = [
    typeof basic.city === 'string' && basic.city ? basic.city : null,
    basic.age !== null ? t('customer.basic.ageYears', { age: format.number(basic.age) }) : null,
    basic.gender ? text.gender(basic.gender) : null,
  ].filter((part): part is string => part !== null);

  return (
    <Card className="tp-profile-header" data-testid="profile-header">
      <div className="tp-profile-head">
        <CustomerAvatar id={customer.id} name={basic.name} size={64} />
        <div className="tp-profile-title">
          <Space size={10} align="center" wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="profile-name">
              {basic.name ?? t('customer.unnamed')}
            </Typography.Title>
            {customer.piiMasked && <MaskedTag testId="pii-masked" />}
          </Space>
          <div className="tp-profile-sub">
            {subtitle.length > 0 && <span>{subtitle.join(' · ')}</span>}
            <Typography.Text type="secondary" className="tp-mono" copyable={{ text: customer.id }}>
              {customer.id}
            </Typography.Text>
          </div>
        </div>
        <div className="tp-profile-actions">{actions}</div>
      </div>
      <div className="tp-facts">
        <Fact label={t('customer.facts.totalSpend')} testId="fact-spend">
          {format.money(value.totalSpendMinor, value.currency)}
        </Fact>
        <Fact label={t('customer.facts.services')}>{format.number(activeServices)}</Fact>
        <Fact label={t('customer.facts.events')}>{format.number(engagement.eventCount)}</Fact>
        <Fact label={t('customer.facts.firstSeen')}>
          <span className="tp-fact-small">{format.date(engagement.firstSeenAt)}</span>
        </Fact>
        <Fact label={t('customer.facts.lastSeen')}>
          <span className="tp-fact-small">
            <TimeText iso={engagement.lastSeenAt} relative />
          </span>
        </Fact>
      </div>
    </Card>
  );
}

function CustomerProfile({ id }: { id: string }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const messageOf = useErrorMessage();
  const navigate = useNavigate();
  const { can } = useSession();
  const channels = useChannels();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const [editing, setEditing] = useState(false);
  const customer = load.status === 'ready' ? load.customer : null;
  const name = customer?.basic.name ?? t('customer.unnamed');
  useDocumentTitle(customer ? name : t('customers.title'));

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    customersApi
      .get(id, controller.signal)
      .then((answer) => setLoad({ status: 'ready', customer: answer }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error });
      });
    return () => controller.abort();
  }, [id, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const confirmDelete = (target: Customer) => {
    modal.confirm({
      title: t('customer.delete.confirmTitle', { name }),
      content: t('customer.delete.confirmText'),
      okText: t('customer.delete.ok'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await customersApi.remove(target.id);
          void message.success(t('customer.delete.done', { name }));
          navigate('/customers', { replace: true });
        } catch (e) {
          void message.error(messageOf(e));
          throw e; // keeps the dialog open
        }
      },
    });
  };

  const breadcrumb = (
    <Breadcrumb
      className="tp-breadcrumb"
      items={[
        {
          title: (
            <Link to="/customers">
              <TeamOutlined /> {t('customers.title')}
            </Link>
          ),
        },
        { title: customer ? name : t('common.loading') },
      ]}
    />
  );

  if (load.status === 'error') {
    const notFound = load.error instanceof ApiError && load.error.status === 404;
    return (
      <>
        {breadcrumb}
        {notFound ? (
          <Result
            status="404"
            title={t('customer.notFoundTitle')}
            subTitle={t('customer.notFound')}
            extra={
              <Link to="/customers">
                <Button type="primary">{t('customer.backToList')}</Button>
              </Link>
            }
            data-testid="customer-not-found"
          />
        ) : (
          <ErrorState error={load.error} onRetry={reload} title={t('customer.loadFailed')} />
        )}
      </>
    );
  }

  if (!customer) {
    return (
      <>
        {breadcrumb}
        <Card>
          <Skeleton active avatar={{ size: 64 }} paragraph={{ rows: 3 }} />
        </Card>
        <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
          <Col xs={24} xl={16}>
            <Card>
              <Skeleton active paragraph={{ rows: 8 }} />
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <Card>
              <Skeleton active paragraph={{ rows: 8 }} />
            </Card>
          </Col>
        </Row>
      </>
    );
  }

  const actions = (
    <Space wrap>
      <Tooltip title={t('common.refresh')}>
        <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
      </Tooltip>
      {can('customers.write') && (
        <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-traits">
          {t('customer.traits.edit')}
        </Button>
      )}
      {can('customers.delete') && (
        <Button
          danger
          icon={<DeleteOutlined />}
          onClick={() => confirmDelete(customer)}
          data-testid="delete-customer"
        >
          {t('customer.delete.button')}
        </Button>
      )}
    </Space>
  );

  return (
    <div data-testid="customer-profile">
      {breadcrumb}
      {customer.mergedFrom && (
        <Alert
          type="info"
          showIcon
          className="tp-profile-alert"
          title={t('customer.mergedNote', { id: customer.mergedFrom })}
          data-testid="merged-note"
        />
      )}
      <ProfileHeader customer={customer} actions={actions} />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={16}>
          <div className="tp-stack">
            <ValueCard customer={customer} />
            <SubscriptionsCard customer={customer} />
            <EngagementCard customer={customer} channels={channels} />
            <CustomerTimeline
              // A trait edit adds no event, but a refresh should show new ones.
              key={`${customer.id}-${generation}`}
              customerId={customer.id}
              channels={channels}
            />
          </div>
        </Col>
        <Col xs={24} xl={8}>
          <div className="tp-stack">
            <BasicInfoCard customer={customer} />
            <ContactCard customer={customer} />
            <InterestsCard customer={customer} />
            <TraitsCard
              customer={customer}
              extra={
                can('customers.write') && (
                  <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(true)}>
                    {t('common.edit')}
                  </Button>
                )
              }
            />
            {can('segments.read') && (
              <CustomerSegmentsCard key={`${customer.id}-${generation}-segments`} customerId={customer.id} />
            )}
            <IdentitiesCard customer={customer} />
            {can('surveys.read') && (
              <CustomerSurveysCard key={`${customer.id}-${generation}-surveys`} customerId={customer.id} />
            )}
            {can('cases.read') && (
              <CustomerCasesCard key={`${customer.id}-${generation}`} customerId={customer.id} />
            )}
          </div>
        </Col>
      </Row>
      {can('customers.write') && (
        <EditTraitsModal
          customer={customer}
          open={editing}
          onClose={() => setEditing(false)}
          onSaved={(updated) => {
            setEditing(false);
            // The answer is the surviving profile; keep the note about the id that was opened.
            setLoad({
              status: 'ready',
              customer: { ...updated, mergedFrom: updated.mergedFrom ?? customer.mergedFrom },
            });
          }}
        />
      )}
    </div>
  );
}

export function CustomerProfilePage() {
  const { id = '' } = useParams();
  return (
    <RequirePermission permission="customers.read">
      <CustomerProfile key={id} id={id} />
    </RequirePermission>
  );
}
