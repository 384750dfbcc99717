import { Skeleton } from 'antd';
import { lazy, Suspense, type ComponentProps } from 'react';
import type { EChart as EChartComponent } from '../../components/EChart';

export type { EChartOption } from '../../components/EChart';

type EChartProps = ComponentProps<typeof EChartComponent>;

// ECharts is the heaviest part of these pages: the figures and tables render first, the charts follow.
const LazyEChart = lazy(() => import('./chartsImpl').then((m) => ({ default: m.EChart })));

/** An ECharts chart (see components/EChart) loaded on first use, with a placeholder of its height meanwhile. */
export function EChart(props: EChartProps) {
  const height = props.height ?? 240;
  return (
    <Suspense
      fallback={
        <div style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          <Skeleton.Node active style={{ width: 160, height: Math.min(height - 20, 120) }} />
        </div>
      }
    >
      <LazyEChart {...props} />
    </Suspense>
  );
}
