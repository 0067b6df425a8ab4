import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { getH5Openid, getLoginCode as h5LoginCode, H5_OPENID_KEY } from '../src/platform/login.h5';
import { getLoginCode as weappLoginCode } from '../src/platform/login.weapp';
import { PhoneBindButton as H5PhoneButton } from '../src/platform/phone.h5';
import { PhoneBindButton as WeappPhoneButton, phoneErrorMessage } from '../src/platform/phone.weapp';
import { scanCode as weappScan } from '../src/clerk/platform/scan.weapp';
import { scanCode as h5Scan } from '../src/clerk/platform/scan.h5';
import { EMULATOR_BASE_KEY } from '../src/platform/emulator.h5';
import { BarcodeView as WeappBarcode } from '../src/platform/barcode-view.weapp';
import { barRuns, code128CWidths } from '../src/utils/code128';
import { createSelectorQuery, login, scanCode } from './__mocks__/taro';
import { resetAll } from './helpers';

const EMULATOR = 'http://127.0.0.1:3100';
const fetchMock = jest.fn();

function jsonResponse(status: number, body: unknown) {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

beforeEach(() => {
  resetAll();
  window.localStorage.clear();
  fetchMock.mockReset();
  (globalThis as { fetch?: unknown }).fetch = fetchMock;
});

describe('weapp platform', () => {
  it('login returns the wx.login code and fails without one', async () => {
    login.mockResolvedValueOnce({ code: 'wx-1', errMsg: 'login:ok' });
    await expect(weappLoginCode()).resolves.toBe('wx-1');
    login.mockResolvedValueOnce({ code: '', errMsg: 'login:fail' });
    await expect(weappLoginCode()).rejects.toThrow('login:fail');
  });

  it('phone button hands over the code, and explains quota (1400001) and refusal without calling back', () => {
    const onCode = jest.fn();
    render(<WeappPhoneButton onCode={onCode} />);
    const button = screen.getByText('微信手机号一键绑定');
    expect(button.getAttribute('data-open-type')).toBe('getPhoneNumber');

    act(() => {
      fireEvent(button, new CustomEvent('getphonenumber', { detail: { errno: 1400001, errMsg: 'getPhoneNumber:fail no permission' } }));
    });
    expect(screen.getByText('手机号快捷验证暂不可用，请稍后再试')).toBeTruthy();

    act(() => {
      fireEvent(button, new CustomEvent('getphonenumber', { detail: { code: 'ph-1', errMsg: 'getPhoneNumber:ok' } }));
    });
    expect(onCode).toHaveBeenCalledTimes(1);
    expect(onCode).toHaveBeenCalledWith('ph-1');
    expect(screen.queryByText('手机号快捷验证暂不可用，请稍后再试')).toBeNull();
  });

  it('phoneErrorMessage covers deny and unknown failures', () => {
    expect(phoneErrorMessage({ errMsg: 'getPhoneNumber:fail user deny' })).toBe('您已取消授权，可随时再次点击绑定');
    expect(phoneErrorMessage({ errMsg: 'getPhoneNumber:fail something' })).toBe('获取手机号失败，请重试');
  });
});

describe('h5 platform (emulator)', () => {
  it('creates one openid per browser and asks the emulator for a login code with it', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { code: 'emu-login-1' }));

    await expect(h5LoginCode()).resolves.toBe('emu-login-1');
    await h5LoginCode();

    const openid = window.localStorage.getItem(H5_OPENID_KEY);
    expect(openid).toMatch(/^h5_[A-Za-z0-9]{20}$/);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    for (const [url, init] of fetchMock.mock.calls) {
      expect(url).toBe(`${EMULATOR}/__emulator/login-code`);
      expect(init.method).toBe('POST');
      expect(JSON.parse(init.body)).toEqual({ openid });
    }
  });

  it('replaces a tampered stored openid and generates different ids for different browsers', () => {
    window.localStorage.setItem(H5_OPENID_KEY, 'not-an-openid');
    const first = getH5Openid();
    expect(first).toMatch(/^h5_[A-Za-z0-9]{20}$/);
    expect(getH5Openid()).toBe(first);
    window.localStorage.clear();
    expect(getH5Openid()).not.toBe(first);
  });

  it('reports an emulator error as an ApiError', async () => {
    fetchMock.mockResolvedValue(jsonResponse(400, { code: 'VALIDATION_FAILED', message: 'bad', requestId: 'e-1' }));
    await expect(h5LoginCode()).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(h5LoginCode()).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('phone input validates the number, then trades it for a phone code at the emulator', async () => {
    const onCode = jest.fn();
    fetchMock.mockResolvedValue(jsonResponse(200, { code: 'emu-phone-1' }));
    render(<H5PhoneButton onCode={onCode} />);

    fireEvent.change(screen.getByPlaceholderText('请输入手机号'), { target: { value: '1381234' } });
    fireEvent.click(screen.getByText('绑定手机号'));
    expect(screen.getByText('请输入 11 位手机号')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();

    fireEvent.change(screen.getByPlaceholderText('请输入手机号'), { target: { value: '13812345678' } });
    fireEvent.click(screen.getByText('绑定手机号'));

    await waitFor(() => expect(onCode).toHaveBeenCalledWith('emu-phone-1'));
    expect(fetchMock).toHaveBeenCalledWith(`${EMULATOR}/__emulator/phone-code`, expect.objectContaining({ method: 'POST' }));
    expect(JSON.parse(fetchMock.mock.calls[0][1].body)).toEqual({ phoneNumber: '13812345678' });
  });

  it('phone input shows progress and blocks a second tap while the code is requested', async () => {
    const onCode = jest.fn();
    let answer: (v: unknown) => void = () => undefined;
    fetchMock.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    render(<H5PhoneButton onCode={onCode} />);
    fireEvent.change(screen.getByPlaceholderText('请输入手机号'), { target: { value: '13812345678' } });

    fireEvent.click(screen.getByText('绑定手机号'));
    const busy = screen.getByText('绑定中…').closest('button') as HTMLButtonElement;
    expect(busy.disabled).toBe(true);
    fireEvent.click(screen.getByText('绑定中…'));
    expect(fetchMock).toHaveBeenCalledTimes(1);

    await act(async () => answer(jsonResponse(200, { code: 'emu-phone-9' })));
    expect(onCode).toHaveBeenCalledWith('emu-phone-9');
    expect(screen.getByText('绑定手机号')).toBeTruthy();
  });

  it('phone input shows a friendly message when the emulator is unreachable', async () => {
    const onCode = jest.fn();
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    render(<H5PhoneButton onCode={onCode} />);

    fireEvent.change(screen.getByPlaceholderText('请输入手机号'), { target: { value: '13812345678' } });
    fireEvent.click(screen.getByText('绑定手机号'));

    expect(await screen.findByText('网络不给力，请检查网络后重试')).toBeTruthy();
    expect(onCode).not.toHaveBeenCalled();
  });
});

describe('emulator base on H5', () => {
  it('follows a browser-local override of the emulator origin (a stack on other ports), origins only', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { code: 'emu-login-2' }));
    window.localStorage.setItem(EMULATOR_BASE_KEY, 'http://127.0.0.1:45123');
    await h5LoginCode();
    expect(fetchMock.mock.calls[0][0]).toBe('http://127.0.0.1:45123/__emulator/login-code');

    window.localStorage.setItem(EMULATOR_BASE_KEY, 'javascript:alert(1)');
    await h5LoginCode();
    expect(fetchMock.mock.calls[1][0]).toBe(`${EMULATOR}/__emulator/login-code`);
  });
});

describe('scan', () => {
  it('weapp: the camera result, null when cancelled, an error otherwise', async () => {
    scanCode.mockResolvedValueOnce({ result: 'Inv1te2Code', errMsg: 'scanCode:ok' });
    await expect(weappScan()).resolves.toBe('Inv1te2Code');
    expect(scanCode).toHaveBeenCalledWith({ onlyFromCamera: true });
    scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' });
    await expect(weappScan()).resolves.toBeNull();
    scanCode.mockRejectedValueOnce({ errMsg: 'scanCode:fail system error' });
    await expect(weappScan()).rejects.toThrow('scanCode:fail system error');
  });

  it('h5: a camera-less prompt', async () => {
    const prompt = jest.spyOn(window, 'prompt');
    prompt.mockReturnValueOnce('  Inv1te2Code ');
    await expect(h5Scan()).resolves.toBe('Inv1te2Code');
    prompt.mockReturnValueOnce(null);
    await expect(h5Scan()).resolves.toBeNull();
    prompt.mockRestore();
  });
});

describe('barcode on weapp (Canvas 2D)', () => {
  /** A canvas node that records what is filled. */
  function fakeCanvas() {
    const rects: [number, number, number, number, string][] = [];
    const ctx = { fillStyle: '', fillRect: (x: number, y: number, w: number, h: number) => rects.push([x, y, w, h, ctx.fillStyle]) };
    return { node: { width: 0, height: 0, getContext: () => ctx }, rects };
  }

  it('draws every bar a whole number of device pixels per module, centred, at the device pixel ratio', () => {
    const { node, rects } = fakeCanvas();
    createSelectorQuery.mockReturnValue({ select: () => ({ fields: () => ({ exec: (cb: (r: unknown[]) => void) => cb([{ node, width: 319, height: 75 }]) }) }) });
    render(<WeappBarcode digits='881234567890123456' className='bc' />);
    expect([node.width, node.height]).toEqual([638, 150]); // CSS size × pixelRatio 2
    const [background, ...bars] = rects;
    expect(background).toEqual([0, 0, 638, 150, '#ffffff']);
    const { runs, total } = barRuns(code128CWidths('881234567890123456'));
    const module = Math.floor(638 / total); // 154 modules → 4 px each
    expect(module).toBe(4);
    const left = Math.floor((638 - module * total) / 2);
    expect(bars).toEqual(runs.map(([x, w]) => [left + x * module, 0, w * module, 150, '#1f1d1a']));
  });
});
