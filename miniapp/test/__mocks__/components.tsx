/**
 * DOM stand-ins for the Taro components the app uses. `Button` also listens for a DOM
 * `getphonenumber` CustomEvent and hands its `detail` to `onGetPhoneNumber`, like the WeChat button.
 */
import { useEffect, useRef, type ReactNode } from 'react';

interface BaseProps {
  id?: string;
  className?: string;
  children?: ReactNode;
  onClick?: () => void;
}

export function View({ id, className, children, onClick }: BaseProps) {
  return (
    <div id={id} className={className} onClick={onClick}>
      {children}
    </div>
  );
}

export function Text({ className, children, onClick }: BaseProps) {
  return (
    <span className={className} onClick={onClick}>
      {children}
    </span>
  );
}

/** Taro's ScrollView: a plain container (scrolling is the platform's business). */
export function ScrollView({ className, children }: BaseProps & { scrollX?: boolean; scrollY?: boolean }) {
  return <div className={className}>{children}</div>;
}

interface ButtonProps extends BaseProps {
  disabled?: boolean;
  loading?: boolean;
  openType?: string;
  onGetPhoneNumber?: (e: { detail: unknown }) => void;
}

export function Button({ className, children, onClick, disabled, loading, openType, onGetPhoneNumber }: ButtonProps) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !onGetPhoneNumber) return undefined;
    const listener = (e: Event) => onGetPhoneNumber({ detail: (e as CustomEvent).detail });
    el.addEventListener('getphonenumber', listener);
    return () => el.removeEventListener('getphonenumber', listener);
  }, [onGetPhoneNumber]);
  return (
    <button
      ref={ref}
      type='button'
      className={className}
      data-open-type={openType}
      data-loading={loading ? 'true' : undefined}
      disabled={disabled}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

interface InputProps {
  className?: string;
  value?: string;
  placeholder?: string;
  type?: string;
  maxlength?: number;
  onInput?: (e: { detail: { value: string } }) => void;
}

export function Input({ className, value, placeholder, type, maxlength, onInput }: InputProps) {
  return (
    <input
      className={className}
      value={value}
      placeholder={placeholder}
      inputMode={type === 'number' ? 'numeric' : undefined}
      maxLength={maxlength}
      onChange={(e) => onInput?.({ detail: { value: e.target.value } })}
    />
  );
}

interface ImageProps {
  className?: string;
  src: string;
  mode?: string;
  showMenuByLongpress?: boolean;
  onError?: (e: { detail: { errMsg: string } }) => void;
}

/** `fireEvent.error(img)` reaches `onError` like a failed WeChat image load. */
export function Image({ className, src, mode, showMenuByLongpress, onError }: ImageProps) {
  return (
    <img
      className={className}
      src={src}
      alt=''
      data-mode={mode}
      data-show-menu-by-longpress={showMenuByLongpress ? 'true' : undefined}
      onError={onError ? () => onError({ detail: { errMsg: 'image load error' } }) : undefined}
    />
  );
}

/** Taro's Canvas: a plain element (the drawing goes to the node `createSelectorQuery` hands back in a test). */
export function Canvas({ id, className }: { id?: string; className?: string; type?: string }) {
  return <canvas id={id} className={className} />;
}
