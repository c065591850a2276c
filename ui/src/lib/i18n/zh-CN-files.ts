// 简体中文: files in messages, spread into zh-CN.ts.

import type { Dictionary } from './en';

export const zhCNFiles: Pick<Dictionary, 'files'> = {
  files: {
    attach: '添加文件',
    pending: (n) => `${n} 个待发送的文件`,
    pendingHint: '将随消息一起发送。按 Esc 全部移除。',
    remove: (name) => `移除 ${name}`,
    sendFailed: (name) => `${name} 未发送`,
    pickFailed: '无法选择文件',
    pasteFailed: '无法读取粘贴的图片',
    drop: (conversation) => `拖放到此处，发送给 ${conversation}`,
    label: (name, size) => `文件 ${name}，${size}`,
    showImage: (name) => `查看 ${name} 原图`,
    open: '打开',
    saveAs: '另存为…',
    show: '在文件夹中显示',
    cancel: '取消',
    retry: '重试',
    progress: (done, total) => `${done} / ${total}`,
    speed: (perSecond) => `${perSecond}/秒`,
    left: (seconds) => {
      const s = Math.max(1, Math.ceil(seconds));
      if (s < 60) return `剩余 ${s} 秒`;
      const m = Math.ceil(s / 60);
      if (m < 60) return `剩余 ${m} 分钟`;
      return `剩余 ${Math.floor(m / 60)} 小时 ${m % 60} 分钟`;
    },
    uploading: (name) => `正在发送 ${name}`,
    downloading: (name) => `正在接收 ${name}`,
    waitingSender: (sender) => `等待 ${sender} 上线后发送`,
    waitingRecipient: (recipient) => `${recipient} 请求时发送（请保持 Tether 运行）`,
    waitingRoom: '聊天室中有人请求时发送（请保持 Tether 运行）',
    unreadable: '此文件的加密方式当前版本无法打开',
    cancelled: '已取消',
    saved: '已保存',
    openFailed: '无法打开文件',
    saveFailed: '文件未保存',
    showFailed: '无法在文件夹中显示文件',
    cancelFailed: '传输未取消',
    retryFailed: '传输未能重新开始',
    viewer: {
      close: '关闭',
      loading: '正在加载原图…',
      failed: '无法加载原图。',
      notYet: '文件接收完成后即可查看原图。',
      zoomIn: '按实际大小显示',
      zoomOut: '适应窗口',
    },
    executable: {
      title: '打开此文件？',
      text: '此文件可以在你的电脑上运行程序。要打开吗？',
      hint: '只有在你信任发送者并且确实在等这个文件时才打开。',
      open: '打开',
      cancel: '取消',
    },
  },
};
