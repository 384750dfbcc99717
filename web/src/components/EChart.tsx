import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type CSSProperties } from 'react';

// Only the parts the console draws, so a page's chunk stays small.
echarts.use([
  BarChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type EChartOption = Parameters<echarts.ECharts['setOption']>[0];

/** The console's chart colours: the brand indigo first, then calm, distinguishable hues. */
export const CHART_COLORS = [
  '#4f46e5',
  '#0ea5e9',
  '#10b981',
  '#f59e0b',
  '#ec4899',
  '#8b5cf6',
  '#14b8a6',
  '#f97316',
  '#64748b',
];

interface EChartProps {
  option: EChartOption;
  /** What the chart shows, for screen readers (the canvas itself says nothing). */
  ariaLabel: string;
  height?: number;
  style?: CSSProperties;
  'data-testid'?: string;
}

/** An Apache ECharts chart that follows its container's size and is disposed with the component. */
export function EChart({ option, ariaLabel, height = 240, style, 'data-testid': testId }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const node = element.current;
    if (!node) return;
    const instance = echarts.init(node, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ color: CHART_COLORS, ...option }, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={element}
      role="img"
      aria-label={ariaLabel}
      style={{ width: '100%', height, ...style }}
      data-testid={testId}
    />
  );
}
