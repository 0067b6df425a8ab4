import { render } from '@testing-library/react';
import { StockBar } from '../../src/pages/coupons/TemplatesPage';

/**
 * The stock cell of the templates list: the figures are text of their own (the Progress bar's label is 2 em wide
 * and spilled "0/10001" into 每人限领), the bar has no label, an unlimited stock shows the issued count.
 */
describe('StockBar', () => {
  it('shows issued / total as text over a bar without a label', () => {
    const { container } = render(<StockBar issued={120} total={10001} />);
    expect(container.textContent).toBe('120 / 10,001');
    expect(container.querySelector('.ant-progress')).not.toBeNull();
    expect(container.querySelector('.ant-progress-text')).toBeNull();
    expect(container.querySelector('.ant-progress-status-exception')).toBeNull();
  });

  it('marks a stock given out in full, and shows an unlimited stock without a bar', () => {
    const full = render(<StockBar issued={500} total={500} />);
    expect(full.container.querySelector('.ant-progress-status-exception')).not.toBeNull();
    full.unmount();
    const { container } = render(<StockBar issued={3} total={null} />);
    expect(container.textContent).toBe('3 / 不限');
    expect(container.querySelector('.ant-progress')).toBeNull();
  });
});
