// The few things pages do in the browser (no build step): switch agency, search the directory as
// the clerk types, ask before irreversible actions. Text from the server is set with textContent,
// never as HTML.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const select = document.querySelector('[data-agency-select]');
  if (select) select.addEventListener('change', () => { location.href = '/a/' + encodeURIComponent(select.value) + '/register'; });

  for (const b of document.querySelectorAll('[data-confirm]')) {
    b.addEventListener('click', ev => { if (!confirm(b.getAttribute('data-confirm'))) ev.preventDefault(); });
  }

  const search = document.querySelector('[data-directory-search]');
  if (search) {
    const url = search.getAttribute('data-directory-search');
    const list = document.querySelector('[data-suggestions]');
    const chosen = document.querySelector('[data-chosen]');
    const to = document.querySelector('[data-to]');
    const codes = () => to.value.split(/[,;\s]+/).filter(Boolean);
    const renderChosen = () => {
      chosen.replaceChildren(...codes().map(code => {
        const li = document.createElement('li');
        li.textContent = code + ' ';
        const x = document.createElement('button');
        x.type = 'button';
        x.textContent = '×';
        x.title = 'Bỏ nơi nhận này';
        x.addEventListener('click', () => { to.value = codes().filter(c => c !== code).join(', '); renderChosen(); });
        li.append(x);
        return li;
      }));
    };
    let timer;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = search.value.trim();
        if (!q) { list.replaceChildren(); return; }
        const res = await fetch(url + '?q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (!res.ok) return;
        const hits = await res.json();
        list.replaceChildren(...hits.map(a => {
          const li = document.createElement('li');
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = a.name + ' (' + a.code + ')';
          b.setAttribute('data-code', a.code);
          b.addEventListener('click', () => {
            if (!codes().includes(a.code)) to.value = [...codes(), a.code].join(', ');
            renderChosen();
            list.replaceChildren();
            search.value = '';
            search.focus();
          });
          li.append(b);
          return li;
        }));
        if (hits.length === 0) { const li = document.createElement('li'); li.textContent = 'Không tìm thấy cơ quan nào; có thể nhập địa chỉ thư vào ô bên dưới.'; list.append(li); }
      }, 200);
    });
    to.addEventListener('change', renderChosen);
    renderChosen();
  }
});
