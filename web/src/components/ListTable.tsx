import { Button, Table, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CursorList } from '../lib/useCursorList';
import { ErrorState } from './states';

interface ListTableProps<T> extends Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'> {
  list: CursorList<T>;
  /** Shown when the list is loaded and has no items. */
  empty: ReactNode;
}

/** A table over a cursor-paginated API list, with its loading, empty, error and "load more" states. */
export function ListTable<T extends object>({ list, empty, ...props }: ListTableProps<T>) {
  const { t } = useTranslation();
  if (list.error && list.items.length === 0) return <ErrorState error={list.error} onRetry={list.reload} />;
  return (
    <>
      <Table<T>
        {...props}
        dataSource={list.items}
        loading={list.loading}
        pagination={false}
        locale={{ emptyText: list.loading ? <div className="tp-table-placeholder" /> : empty }}
      />
      {list.error !== null && list.items.length > 0 && (
        <div style={{ marginTop: 12 }}>
          <ErrorState error={list.error} onRetry={list.loadMore} />
        </div>
      )}
      {list.hasMore && !list.loading && (
        <div className="tp-load-more">
          <Button onClick={list.loadMore} loading={list.loadingMore} data-testid="load-more">
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
