import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { QrCodeView, StaffView } from '@o2o/shared';
import '../src/app';
import ClerkHomePage from '../src/clerk/pages/home/index';
import ClerkQrCodePage from '../src/clerk/pages/qr-code/index';
import { saveImage as h5SaveImage } from '../src/clerk/platform/save-image.h5';
import { isAlbumDenied } from '../src/clerk/platform/save-image.weapp';
import { staffSession } from '../src/clerk/stores/staff-session';
import { downloadFile, login, navigateTo, openSetting, redirectTo, saveImageToPhotosAlbum, showToast } from './__mocks__/taro';
import { API, errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/clerk/platform/save-image', () => jest.requireActual('../src/clerk/platform/save-image.weapp'));

const clerk: StaffView = { id: 3, name: '王芳', role: 'clerk', status: 'active', storeId: 1, username: null, wechatBound: true };
const IMAGE_URL = `${API}/media/qr/AbCdEfGhJk.png?exp=1900000000&sig=s1g`;
const qrCode: QrCodeView = { id: 11, code: 'AbCdEfGhJk', scene: 'q=AbCdEfGhJk', ownerType: 'clerk', storeId: 1, staffId: 3, status: 'active', imageUrl: IMAGE_URL };
const me = { staff: clerk, store: { id: 1, name: '人民广场店' } };

type Route = (c: FakeCall) => { statusCode: number; data?: unknown };
function api(over: Record<string, Route> = {}) {
  return fakeApi({
    'GET /api/clerk/me': () => ({ statusCode: 200, data: me }),
    'GET /api/clerk/qr-code': () => ({ statusCode: 200, data: { qrCode } }),
    ...over,
  });
}

const image = () => document.querySelector('img.clerk-qr__image') as HTMLImageElement | null;

beforeEach(() => {
  resetAll();
  staffSession.resetForTests();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  staffSession.set({ token: 'staff-tok', expiresAt: inOneHour(), staff: clerk });
});

describe('我的二维码', () => {
  it('shows the code image large with the clerk name and store, fetched with the staff token', async () => {
    const calls = api();
    render(<ClerkQrCodePage />);
    expect(await screen.findByText('人民广场店')).toBeTruthy();
    expect(screen.getByText('王芳 · 导购')).toBeTruthy();
    expect(image()?.getAttribute('src')).toBe(IMAGE_URL);
    expect(image()?.getAttribute('data-show-menu-by-longpress')).toBe('true');
    const qrCall = calls.find((c) => c.path === '/api/clerk/qr-code');
    expect(qrCall?.header.Authorization).toBe('Bearer staff-tok');
  });

  it('the workbench links to it', async () => {
    fakeApi({
      'GET /api/clerk/customers': () => ({ statusCode: 200, data: { items: [], nextCursor: null } }),
      'GET /api/clerk/performance': () => ({ statusCode: 500, data: errorBody('INTERNAL') }),
    });
    render(<ClerkHomePage />);
    fireEvent.click(screen.getByText('我的二维码'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/clerk/pages/qr-code/index' });
    await screen.findByText('暂无顾客');
  });

  it('save on weapp downloads the signed URL (no Authorization needed) then saves it to the album', async () => {
    api();
    downloadFile.mockResolvedValue({ statusCode: 200, tempFilePath: 'wxfile://tmp/qr.png', errMsg: 'downloadFile:ok' });
    render(<ClerkQrCodePage />);
    await screen.findByText('人民广场店');
    await act(async () => fireEvent.click(screen.getByText('保存二维码')));

    expect(downloadFile).toHaveBeenCalledTimes(1);
    expect(downloadFile.mock.calls[0][0]).toEqual({ url: IMAGE_URL });
    expect(saveImageToPhotosAlbum).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/qr.png' });
    expect(downloadFile.mock.invocationCallOrder[0]).toBeLessThan(saveImageToPhotosAlbum.mock.invocationCallOrder[0]);
    expect(showToast).toHaveBeenCalledWith({ title: '已保存到相册', icon: 'success' });
    expect(screen.queryByText('去设置')).toBeNull();
  });

  it('an album refusal shows the reason and 去设置; granting there saves again', async () => {
    api();
    downloadFile.mockResolvedValue({ statusCode: 200, tempFilePath: 'wxfile://tmp/qr.png', errMsg: 'downloadFile:ok' });
    saveImageToPhotosAlbum.mockRejectedValueOnce({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' });
    render(<ClerkQrCodePage />);
    await screen.findByText('人民广场店');
    await act(async () => fireEvent.click(screen.getByText('保存二维码')));

    expect(screen.getByText(/未允许小程序访问相册/)).toBeTruthy();
    expect(showToast).not.toHaveBeenCalled();

    openSetting.mockResolvedValueOnce({ errMsg: 'openSetting:ok', authSetting: { 'scope.writePhotosAlbum': true } });
    await act(async () => fireEvent.click(screen.getByText('去设置')));
    expect(openSetting).toHaveBeenCalledTimes(1);
    expect(saveImageToPhotosAlbum).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(screen.queryByText('去设置')).toBeNull());
    expect(showToast).toHaveBeenCalledWith({ title: '已保存到相册', icon: 'success' });
  });

  it('a failed download is a toast, not a permission prompt; the album is never touched', async () => {
    api();
    downloadFile.mockResolvedValue({ statusCode: 404, tempFilePath: '', errMsg: 'downloadFile:ok' });
    render(<ClerkQrCodePage />);
    await screen.findByText('人民广场店');
    await act(async () => fireEvent.click(screen.getByText('保存二维码')));
    expect(saveImageToPhotosAlbum).not.toHaveBeenCalled();
    expect(showToast).toHaveBeenCalledWith({ title: '保存失败，请检查网络后重试', icon: 'none' });
    expect(screen.queryByText('去设置')).toBeNull();
  });

  it('a failed load shows retry, which loads again', async () => {
    let fail = true;
    const calls = api({
      'GET /api/clerk/qr-code': () => (fail ? { statusCode: 503, data: errorBody('DEPENDENCY_UNAVAILABLE') } : { statusCode: 200, data: { qrCode } }),
    });
    render(<ClerkQrCodePage />);
    expect(await screen.findByText('服务暂不可用，请稍后重试')).toBeTruthy();
    fail = false;
    await act(async () => fireEvent.click(screen.getByText('重试')));
    expect(await screen.findByText('人民广场店')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/api/clerk/qr-code')).toHaveLength(2);
  });

  it('an image that fails to load offers a retry that fetches a fresh URL', async () => {
    const calls = api();
    render(<ClerkQrCodePage />);
    await screen.findByText('人民广场店');
    act(() => {
      fireEvent.error(image()!);
    });
    expect(screen.getByText('二维码图片加载失败')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByText('重试')));
    await waitFor(() => expect(image()).not.toBeNull());
    expect(calls.filter((c) => c.path === '/api/clerk/qr-code')).toHaveLength(2);
  });

  it('no store (404 from the server): the empty state, no error', async () => {
    api({
      'GET /api/clerk/me': () => ({ statusCode: 200, data: { staff: clerk, store: null } }),
      'GET /api/clerk/qr-code': () => ({ statusCode: 404, data: errorBody('NOT_FOUND') }),
    });
    render(<ClerkQrCodePage />);
    expect(await screen.findByText('暂无导购码')).toBeTruthy();
    expect(screen.getByText('您还未分配到门店，暂无导购码，请联系店长')).toBeTruthy();
    expect(screen.queryByText('重试')).toBeNull();
  });

  it('without a staff session it sends the clerk to the login page and calls nothing', () => {
    staffSession.clear();
    const calls = api();
    render(<ClerkQrCodePage />);
    expect(redirectTo).toHaveBeenCalledWith({ url: `/clerk/pages/login/index?redirect=${encodeURIComponent('/clerk/pages/qr-code/index')}` });
    expect(calls).toHaveLength(0);
  });
});

describe('save-image platform helpers', () => {
  it('recognises WeChat album refusals', () => {
    expect(isAlbumDenied('saveImageToPhotosAlbum:fail auth deny')).toBe(true);
    expect(isAlbumDenied('saveImageToPhotosAlbum:fail:auth denied')).toBe(true);
    expect(isAlbumDenied('saveImageToPhotosAlbum:fail authorize no response')).toBe(true);
    expect(isAlbumDenied('saveImageToPhotosAlbum:fail cancel')).toBe(false);
  });

  it('H5 hands the image to the browser as a named download link', async () => {
    const clicked: HTMLAnchorElement[] = [];
    const spy = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    try {
      await expect(h5SaveImage(IMAGE_URL, 'qr.png')).resolves.toBe('opened');
      expect(clicked).toHaveLength(1);
      expect(clicked[0].href).toBe(IMAGE_URL);
      expect(clicked[0].download).toBe('qr.png');
      expect(document.querySelector('a[download]')).toBeNull(); // removed again
    } finally {
      spy.mockRestore();
    }
  });
});
