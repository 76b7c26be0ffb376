"""Which of the 12 categories a caller's words describe, by pattern (with the words that rule one out)."""


from __future__ import annotations

import functools
import re

from dialog.sounds import heard_as

# (pattern, weight): 3 = says the category on its own, 2 = strong hint, 1 = weak hint.
_CATEGORY_PATTERNS: dict[str, list[tuple[str, int]]] = {
    "road_damage": [
        (r"坑洞|破洞|大洞|凹洞|路面.{0,4}(破|裂|凹|凸|坑|洞|不平|塌|陷)|柏油.{0,4}(裂|破|掀|翹|坑)", 3),
        (r"(那個|一個|大)坑(?!人|害)|(馬路|路上|路面|巷|街|柏油|車道|路口)[^。]{0,8}(幾個|好幾個|很多|一堆|一排|連續)"
         r"[^，。]{0,2}坑(?!人|害|殺|錢|了|我)|坑坑洞洞|人孔蓋|孔蓋|塌陷|下陷|龜裂|路基|路.{0,2}(凹下去|凸起來|不平)|路.{0,12}(一個|個|有)洞|洞.{0,6}(馬路|路上|路面)", 3),
        # a cavity under or in the road (路面空洞; also 坑洞 as Whisper often writes it)
        (r"(路面|馬路|路上|地下|地面)[^，。]{0,4}空洞|空洞[^。]{0,12}(騎|開車|經過|車子|機車|輪胎)", 3),
        # a road dug up and patched again and again, bumpy
        # 窟仔 (Taiwanese: a hole); a patch over a dug trench sinking again; a bridge's joint
        (r"(路上|路面|馬路|柏油)[^，。]{0,4}裂(了|開)?[^，。]{0,6}(縫|痕)|(橋|路面|馬路)[^。]{0,6}伸縮縫|伸縮縫[^。]{0,10}(鐵片|鐵板|翹|凸|跳)|(鐵片|鐵板|鋼板)[^，。]{0,3}翹起來|"
         r"(柏油|路面|馬路)[^。]{0,12}一條一條[^。]{0,8}(凹|凸|不平|抖)|洗衣板|窟仔|窟窿|回填[^。]{0,12}(凹|陷|沉|不平)|"
         r"(管線|管子|水管|電纜|馬路|路面|柏油|道路)[^。]{0,12}(挖|補|填)(完|好|起來)?(回去)?[^。]{0,14}"
         r"(凹下去|陷下去|沉下去|下陷|凹陷)", 3),
        (r"凹凹凸凸|凹凸不平|坑坑疤疤|(路|路面|馬路)[^，。]{0,4}(高高低低|高低不平)|挖了又補|補了又挖", 3),
        # a road dug up and never resurfaced; a surface gouged; a guardrail knocked askew
        (r"(路面|柏油|馬路).{0,6}(沒|還沒|都沒)(有)?(鋪|補|修|填|回填)(好|平|回去)?|(路面|地上|馬路|柏油).{0,10}凹槽|"
         r"護欄.{0,8}(撞|歪|斷|倒|壞|變形)", 3),
        # asphalt with a piece gone; a crack running across the carriageway
        (r"(柏油|路面|馬路|車道)[^，。]{0,6}(缺|少|掉|剝落|崩)(了|下去)?一?(大)?(塊|角|片)(?![\u4e00-\u9fff])|"
         r"(柏油|路面|馬路|路肩)(?:(?!溝)[^，。]){0,6}崩[^，。]{0,4}(塊|下去|掉)|"
         r"(路肩|路基|柏油|路面|邊坡)[^，。]{0,2}被?[^，。]{0,8}(沖掉|沖毀|沖垮|掏空|空掉)|"
         r"裂(痕|縫|開)[^，。]{0,10}(車道|路面|馬路|路中間|柏油)|(車道|路面|馬路|柏油)[^，。]{0,6}裂(痕|縫)", 3),
        (r"(馬路|路面|柏油|整段路|那段路)[^。]{0,20}(陷下去|沉下去|陷了下去)|(馬路|路面|柏油)(?:(?!燈|蓋|車)[^。]){0,20}凹下去|"
         r"(鐵板|鋼板)[^，。]{0,8}(在)?(路上|路面|馬路|車道|路中間)|"
         r"(鐵板|鋼板)(?!屋|燒|麵)[^。]{0,10}(跑位|移位|位移|滑開|露出[^，。]{0,3}縫|哐啷|匡啷|哐噹)|(路上|路面|馬路|車道|路中間)[^，。]{0,8}(鐵板|鋼板)(?!燒|麵)", 3),
        (r"\bsteel plates?\b[^.]{0,40}\b(road|street|lane)\b|\b(road|street)\b[^.]{0,30}\bsteel plates?\b|"
         r"\broad (has )?(sunk|sunken|subsided|caved in)\b|\b(big|deep) dip\b|"
         r"\bpot ?holes?\b|\bsink ?hole\b|\bmanhole\b|holes? in the (road|asphalt|street|lane)|big hole|road (is )?(damaged|broken|cracked)|asphalt", 3),
        (r"\bcrack(s|ed)?\b|\bbumpy\b", 1),
    ],
    "streetlight": [
        (r"路燈|燈桿|燈柱|電火柱|電火|電線桿.{0,4}燈|電桿.{0,3}燈|街燈|水銀燈", 3),
        # (電燈 out of doors only: a home's lights flickering are Taipower's)
        (r"((?<![電檯桌])燈|(路邊|巷子|巷口|路口|街上|馬路|橋上|公園)[^，。]{0,4}電燈|燈泡).{0,6}(不亮|沒亮|沒有亮|壞|閃|熄|黑|暗|歹去)|暗暗的|很暗|黑漆漆|烏漆抹黑|暗摸摸|暗嘛嘛|黑嘛嘛|烏漆嘛黑|整片黑", 2),
        (r"street ?lights?|street ?lamps?|lamp ?posts?|light ?poles?", 3),
        (r"\b(too )?dark\b", 1),
    ],
    "traffic_signal": [
        (r"紅綠燈|號誌|交通燈|行人燈|小綠人|秒數|(紅燈|綠燈)[^，。]{0,2}倒數", 3),
        # a signal's sound for the blind, stuck or too loud
        (r"(紅綠燈|號誌|行人(號誌|燈))[^。]{0,12}(嗶|一直響|在響|聲音太大|音量)", 4),
        # a turn's own light, too short or too long
        (r"(左轉|右轉)(的)?(燈|箭頭|綠燈|號誌)(?![^，。]{0,3}(都不打|不打|沒打|標線|磨))|"
         r"(?<!方向)(燈|號誌|綠燈|秒數)[^，。]{0,3}(太短|太長|太快)", 3),
        (r"(紅燈|綠燈|黃燈).{0,6}(壞|不動|一直|不會|卡|閃|太短|太長|只有)|行人(綠燈|燈)", 3),
        # a crossing's push button; a light's times said in minutes or seconds
        (r"(行人|過馬路|路口|斑馬線)[^，。]{0,6}按鈕[^。]{0,16}(綠燈|紅燈|燈號|變燈|沒反應|沒有反應|不會變)|"
         r"(紅燈|綠燈|黃燈)[^。]{0,8}([0-9]+|[一二三四五六七八九十兩幾多]+)(分|秒)|"
         r"\b(crossing|pedestrian|crosswalk|walk) (push )?buttons?\b|\bpush buttons? (at|by|on) the "
         r"(crossing|crosswalk|junction|intersection)\b", 3),
        (r"traffic ?(lights?|signals?)|(pedestrian|crossing|walk|walking|crosswalk) (green |red )?(light|signal)s?|"
         r"\b(left|right)[- ]turn (arrow|signal|light|phase)s?\b|\barrow\b[^.]{0,40}\b(green|red)\b|"
         r"green man|stuck on (red|green)|green (light|signal|phase) for (pedestrians|walkers|people crossing)|"
         r"\b(green|walk|pedestrian) (light|signal|phase)\b[^.]{0,40}\b(only )?(lasts?|gives?) (about |only )?\w+ seconds\b",
         3),
        (r"\b(green|red|yellow|amber),? (and |then |to )?(green|red|yellow|amber),? (and |then |to )?"
         r"(green|red|yellow|amber)\b", 3),
        (r"\bthe lights (at|on) [^.]{0,30}\b(road|street|avenue|boulevard)\b,? (and|at) [^.]{0,30}"
         r"\b(road|street|avenue|boulevard)\b", 2),
    ],
    "illegal_parking": [
        (r"(車道|車庫|出入口|家門口)[^，。]{0,4}(又|都|一直|常常)?被擋(住|到)?[^。]{0,20}(車|休旅車|轎車|機車|貨車)", 3),
        (r"違規停車|違停|亂停|併排|並排|臨停", 3),
        (r"\b(on|along|over) the (red|yellow) (line|kerb|curb)s?\b|\bred[- ]line(d)?\b", 3),
        (r"(停|停放).{0,8}(紅線|黃線|門口|車庫|騎樓|人行道|路口|消防栓|出入口|車道)", 3),
        (r"(紅線|黃線|騎樓|人行道|路口|消防栓|車庫門口|斑馬線)(上|前|旁)?(面|邊)?.{0,3}停(?!電)", 3),
        (r"(公車|客運|巴士|救護車|消防車|垃圾車).{0,4}(都)?((沒辦法|無法|不能|開不)(靠站|進站|進來|過|通過|轉彎)|"
         r"(靠不了站|進不了站|進不來|進不去|過不去))", 2),
        (r"(轎車|汽車|機車|貨車|卡車|休旅車|砂石車|(?<![公客巴])車)[^，。]{0,6}停在[^，。]{0,4}(公車站|站牌|公車專用道|公車道)", 4),
        # a private car parked in a bus bay: the bus is only what it hinders
        (r"(自小客|自用車|私家車|轎車|汽車|貨車|休旅車|計程車)[^，。]{0,6}(停在|停進|佔用|占用|佔住|占住)[^，。]{0,3}"
         r"公車(彎|停靠區|站|專用道|道)", 6),
        (r"\b(trucks?|cars?|vans?|lorr(y|ies)|vehicles?|taxis?|scooters?)\b (always |often |keeps? |usually )?"
         r"(parks|parked|parking|is parked|are parked) (right )?(across|in front of|outside|in the (bike|bus|cycle) "
         r"lane|on the (sidewalk|pavement))\b", 3),
        (r"\b(tour buses|coaches|cars|trucks|vans|scooters|taxis)\s+(always |often |keep )?(park|parks|are parked|"
         r"are left)\s+(in|on|across|along)\b", 4),
        (r"(人行道|騎樓)[^，。]{0,6}(整排|都是|停滿|擺滿)[^，。]{0,4}(機車|汽車|車)", 3),
        (r"(擋住|擋到|堵住|卡住).{0,6}(車道|車庫|出入口|門口|出口|我家)", 2),
        # the way out named first, then the car in it (車庫門口被一台車擋住); a car that cannot get out
        (r"(車庫|車道|出入口|大門|家門口|門口|出口)[^，。]{0,4}被[^，。]{0,10}(車|轎車|機車|貨車|卡車|休旅車)(子)?"
         r"[^，。]{0,4}(擋住|堵住|擋到|堵到|卡住|占住|佔住|堵死|擋死)", 3),
        # a car left or standing in front of a door, a garage or a driveway
        (r"((?<![公客巴])車|轎車|汽車|機車|貨車|卡車|休旅車|廂型車)[^，。]{0,10}(擋|丟|停|放|卡)(在|住|到)[^，。]{0,10}"
         r"(門口|鐵捲門|鐵門|大門|車庫|車道|出入口|後門)", 3),
        (r"(巷口|巷子口|路口)[^，。]{0,4}(卡死|堵死|擋住|堵住|擋死)", 2),
        # one car said to block a door (not the traffic of an hour: 車都堵在大門口)
        (r"(轎車|汽車|貨車|卡車|休旅車|廂型車|一台車)[^，。]{0,10}堵在[^，。]{0,10}(門口|鐵捲門|鐵門|大門|車庫|車道|出入口|後門)", 3),
        (r"(車|車子|機車)[^，。]{0,3}(都)?(出不去|出不來)|"
         r"(車|車子|機車)[^，。]{0,2}(開|騎|牽|倒)不出(去|來)|\b(driveway|garage|gate|exit|entrance)\b[^.]{0,20}"
         r"\b(blocked|obstructed) by (a|an|some|someone'?s|their|his|her) ", 2),
        (r"(車|汽車|機車|貨車|卡車|砂石車|遊覽車).{0,8}(停|放).{0,6}(好幾|整天|幾天|很久|沒動|不走|不動)", 3),
        (r"(車|汽車|機車|貨車|卡車|砂石車).{0,8}停", 1),
        (r"illegal(ly)? park|double[- ]park|park(ed|ing) (car|vehicle|truck)|"
         r"(car|truck|van|vehicle).{0,30}block", 3),
        (r"\b(someone|somebody|a car|a truck|a van|a scooter|they|people|cars|trucks)\s+(has |have |is |are |keeps? )?(been )?(parked|parking|parks)\b|blocking (my|the) (driveway|garage|gate|exit)", 3),
        (r"\bparked\b", 2),
        (r"\bparks? (their|his|her|a|the) (car|scooter|motorbike|truck|van)|"
         r"(car|scooter|truck|van)s? on the (sidewalk|pavement)", 3),
    ],
    "noise": [
        (r"噪音|擴音器|大聲公|宣傳車|卡拉 ?OK|KTV|喇叭聲|音響|廣播車", 3),
        (r"\b(huge|loud|big|massive) (bangs|booms|clangs)\b|\b(banging|clanging) (all night|every night|"
         r"until|till)\b", 3),
        (r"重播|放音樂|轟轟|機器.{0,8}(運轉|聲|轟|在轉)|敲鐵|(叫|吵)到.{0,8}(睡|休息)", 2),
        (r"(警報器?|警鈴|警笛|汽笛|鈴聲).{0,6}(響|叫|吵)|(砰|碰|轟|咚)([、，,\s]?(砰|碰|轟|咚)){1,}|(爆炸|槍|尖叫|煙火|炮|砲)聲|"
         r"(拍電影|拍片|拍戲|表演|晚會).{0,30}(聲|半夜|到.{0,4}點|沒停|不停)", 2),
        (r"吵|很大聲|太大聲|施工.{0,6}(聲|吵)|敲敲打打|唱歌|轟隆|睡不著|睡不好|震動|運轉聲|打樁|在震|"
         r"鞭炮|樂器|打鼓|狗一直叫|叫個不停", 2),
        (r"工地", 1),
        # a farm's bird scarer going off: a din, not an animal matter
        (r"(趕|驅)鳥[^，。]{0,4}(炮|砲|器|槍)|瓦斯(炮|砲)|\b(bird scarers?|propane cannons?|gas cannons?)\b", 3),
        # an air conditioner's outdoor units, fans or compressors droning
        (r"(冷氣|室外機|壓縮機|抽風機|風扇)[^。]{0,20}(轟|嗡|吵|聲音|運轉)|\b(grinder|tile cutter|cutting tiles)\b", 3),
        # clanging said as it sounds; sleep lost; work going on late at night
        (r"(鏗|鏘|乒|乓|叮|噹|咚|隆|嗡|框|哐){4,}|(鏗鏘|乒乓|叮咚|轟隆)聲|"
         r"(晚上|半夜|深夜|凌晨)[^，。]{0,6}(還在|都在|一直在|還一直)[^，。]{0,4}(切|敲|鋸|磨|焊|鑽|施工|趕工|打樁)", 2),
        # power tools and renovation heard through the walls (not its rubbish: 裝潢垃圾)
        (r"電鑽|電鋸|鑽(牆|地|水泥|洞|孔)|(敲|打|拆)牆(壁)?|砂輪機|切割機.{0,4}(聲|在切)|破碎機|"
         r"裝潢(?!垃圾|廢).{0,12}(一大早|清晨|早上[五六七]點|[五六七]點(不到|多)|半夜|深夜|晚上|假日|整天|每天)", 2),
        (r"\bnoise\b|\bnoisy\b|karaoke|loudspeaker|jackhammer\w*|pile[- ]driv\w*", 3),
        # a television, films or games turned right up, late into the night
        (r"\b(full|max(imum)?|top) volume\b|\bvolume (all the way |right )?up\b|\bturn(s|ed|ing)? (it|the volume|the tv|"
         r"the television|the music|the bass) (all the way |right )?up\b|\bblast(s|ed|ing)? (\w+ ){0,2}(music|tv|television|"
         r"movies?|films?|games?|speakers?|bass|stereos?|radios?)\b|\b(tv|television|movies?|films?|games?|speakers?|subwoofer|bass)\b "
         r"(is |are |so |too |really |always )*(loud|blaring|booming|thumping)\b", 3),
        (r"\b(until|till|'?til|past) ([1-5]|one|two|three|four|five)( ?(a\.? ?m\.?|am|o'?clock)| in the morning)", 2),
        (r"(電視|電影|音樂|遊戲|電玩|喇叭)[^，。]{0,6}(開|轉|放)?(很大聲|超大聲|好大聲|最大聲|開很大|開超大)|"
         r"音量[^，。]{0,4}(開到最大|最大|很大|超大|開很大)|開到最大聲", 3),
        (r"(半夜|凌晨)[^，。]{0,4}([一二兩三四五]|[1-5])點(多)?(還|都)", 2),
        (r"(喊|吵|唱)到[^，。]{0,3}(半夜|凌晨|[一二兩三四五]{1,2}點)", 2),
        (r"\bdrilling\b|construction (site|work)|\b(after midnight|all night|at (4|5|6) ?am)\b", 2),
        (r"\b(vacuums?|pressure washers?|compressors?|generators?|machines?|fans?|pumps?|engines?)\b[^.]{0,30}"
         r"(?<!not )\b(run|runs|running|roar\w*|drone|droning|whine|whining|going)\b[^.]{0,20}\b(until|till|past|all) "
         r"(midnight|late|night|\d{1,2}|ten|eleven|twelve|one|two|three)\b", 3),
        (r"\b(drilling|hammering|banging|sawing)\b[^.]{0,40}\b(every (morning|night|day)|at (\d|five|six|seven)|"
         r"all (day|night)|sundays?|weekends?|early)\b", 3),
        (r"\b(siren|alarm)s? .{0,20}(going off|goes off|blaring|ringing|sounding) .{0,20}"
         r"(hours?|all (day|morning|night))|\b(bangs|booming|explosions)\b", 2),
        (r"\bloud\b|\bmusic\b", 2),
        (r"\blive band\b", 2),
        (r"\b(drums?|drumming|bass)\b[^.]{0,40}\b(through (our|the|my) (walls?|windows?|floor|ceiling)|all night|"
         r"every night|until|till|so loud|too loud)\b", 3),
    ],
    "sanitation": [
        # a dog's mess left, building rubble dumped at night
        (r"(上大號|大便|拉屎|便便)[^。]{0,10}(不撿|沒撿|不清|不收)|(狗|貓)的?(大便|糞便|屎)[^，。]{0,6}(不撿|沒撿|沒清|到處)|(遛狗|溜狗)[^，。]{0,8}(不撿|沒撿|不清)", 5),
        (r"(裝潢|拆下來|廢棄)[^，。]{0,10}(倒在|丟在|堆在)(?!騎樓|人行道|門口)|(半夜|偷偷)[^，。]{0,10}(倒|丟)在(空地|路邊|河邊|田裡)", 3),
        # something dumped on a vacant lot or by the road (壞掉的豬肉丟在空地)
        (r"(丟|棄|扔)在[^，。]{0,4}(空地|路邊|河邊|田裡|草叢|溝邊)|(倒|堆)在[^，。]{0,4}(空地|河邊|田裡|草叢)|"
         r"\b(left|dumped|dumps?|abandoned|scattered)\b[^.]{0,40}\b(all over|on|in|across) (the|an|a) "
         r"(empty|vacant|open) (lot|land|plot|field)\b", 3),
        (r"\bbroken glass\b", 2),
        # small ads pasted on poles, boxes and walls (the environment bureau tears them down)
        (r"小廣告|牛皮癬|(廣告|傳單|廣告單|貼紙)[^。]{0,10}(亂貼|貼滿|貼得|貼在)|(亂貼|貼滿)[^。]{0,10}(廣告|傳單|貼紙)|"
         r"\b(flyers?|fliers?|posters?|paper ads?|little ads?|ads|stickers?|leaflets?|notices)\b[^.]{0,40}"
         r"\b(plastered|pasted|stuck|glued|peel\w*)\b|\b(covered|plastered) (in|with) (\w+ ){0,3}(flyers?|fliers?|posters?|"
         r"ads|stickers?|leaflets?)\b|\b(plastered|pasted|stuck|glued|put up) (\w+ ){0,2}(flyers?|fliers?|posters?|ads|"
         r"stickers?|leaflets?)\b[^.]{0,30}\b(all over|on|onto)\b", 3),
        (r"檳榔(汁|渣)|吐檳榔|菸蒂|煙蒂|\bcigarette butts?\b|\bbetel (nut )?(juice|spit|stains?)\b", 3),
        (r"(?<!垃圾)垃圾(?!車)|髒亂|廢棄物|廢棄.{0,3}(家具|沙發|床墊|冰箱)|亂丟|堆積|狗大便|排泄物|廚餘|棄置", 3),
        (r"(沙發|床墊|家具|冰箱|櫃子|電視|垃圾袋|雜物|舊衣|輪胎|建材|廢土).{0,8}(丟|放|堆|棄|倒)", 3),
        (r"偷倒|倒廢土|廢土|廢料|裝潢垃圾|營建廢棄物|垃圾山|(炮|紙)屑|煙火.{0,3}(紙殼|殘骸)", 3),
        (r"滿地(都是)?|沒(有)?人(來)?(掃|清)|血跡|(地上|路上|路面|滿地)(都是)?血(?!壓)", 2),
        (r"(回收箱|垃圾桶|子母車|舊衣回收)[^，。]{0,6}(塞爆|爆滿|滿出來|塞滿|滿了)|"
         r"(堆滿|堆了|堆積|囤積)[^，。]{0,6}(舊衣|衣服|鞋子|棉被|雜物)", 3),
        (r"(撿|堆)[^，。]{0,3}回收(?!車)|(堆滿|堆了|堆積|囤積)[^，。]{0,6}(紙箱|寶特瓶|回收物?|垃圾|廚餘|瓶瓶罐罐)|"
         r"(丟|散|倒|扔)得?(到處|滿地|一地)(都是)?|"
         r"\b(trail|pool|puddle|stains?|streaks?) of blood\b|\b(covered|crawling|swarming) (in|with) flies\b", 2),
        # what a gathering leaves: lunch boxes, leftovers, the ash of paper money
        # what a night out leaves: broken bottles, vomit
        (r"碎(掉)?的?酒瓶|(滿地|一地|地上)[^，。]{0,6}(碎玻璃|玻璃碎片|酒瓶)|酒瓶碎片|嘔吐物|吐的東西|(吐|嘔吐)得?(滿地|一地)|"
         r"\b(smashed (glass|bottles)|broken bottles|beer bottles|vomit|puke)\b", 3),
        (r"便當盒|飲料杯|吃剩的|紙錢[^，。]{0,4}灰|香灰|燒完的灰|空瓶|"
         r"\b(piles? of ash(es)?|burnt paper|joss paper|lunch ?boxes|leftover food|litter(ed)?)\b", 3),
        (r"菜葉|內臟|蒼蠅|(丟|(?<!樹)倒|堆)在路邊|紙灰|油煙|烤肉.{0,8}煙|煙.{0,6}(飄進|燻|嗆)|"
         r"燒(金紙|紙錢|垃圾|稻草|廢棄物)|空氣(污染|很差)|排放.{0,2}(黑煙|廢氣)", 3),
        (r"很臭|惡臭|臭味|異味|老鼠|蟑螂|蚊蠅|髒", 2),
        (r"(泥巴|泥土|砂土|沙土|塵土)[^。]{0,12}(整條路|路上|馬路|路面)|(整條路|路上|馬路|路面)[^。]{0,8}"
         r"(都是|全是|滿滿)(泥巴|泥土|砂土|沙土|塵土)|"
         r"\bmud\b[^.]{0,30}\b(all over|on|across) the (road|street)\b|\b(tracking|tracked) mud\b", 3),
        (r"garbage|trash|rubbish|litter|dump(ed|ing)|dog (poop|mess)|\bfilthy\b|\brecycl\w+|\bjunk\b|"
         r"\bbulky (waste|items|rubbish)|\b(furniture|mattress(es)?|sofas?|couch(es)?|fridges?|appliances|"
         r"boxes)\b[^.]{0,40}\b(piled|dumped|left|abandoned|stacked|heaped|sitting)\b|"
         r"\b(bags|piles|heaps) of \w+( \w+)? (are |is )?(piling|stacking|heaping) up|"
         r"\b(sofas?|couch(es)?|mattress(es)?|fridges?|furniture|wardrobes?)\b[^.]{0,60}\b(on|along|across) the "
         r"(pavement|sidewalk|street|road|lane|verge)\b|\b(on|along) the (pavement|sidewalk)\b[^.]{0,40}"
         r"\b(sofas?|couch(es)?|mattress(es)?|fridges?|furniture|wardrobes?)\b", 3),
        (r"(回收箱|垃圾桶|垃圾箱|子母車)[^，。]{0,6}(滿出來|爆滿|塞滿)|丟在(那邊|這邊|路邊|地上)[^。]{0,12}(沒人|沒有人)(來)?(收|清|掃)|"
         r"(空罐子?|空瓶|紙箱|封鎖線)[^。]{0,12}(丟|亂丟|散落)|"
         r"\b(cups|food boxes|takeaway boxes|wrappers)\b[^.]{0,30}\b(left|leave|all over|everywhere|along)\b|"
         r"\bbins? (has been |is |are )?overflowing\b", 4),
        (r"資源回收|回收(車|物|桶|場|日)|(垃圾車|回收車)[^，。]{0,6}(跳過|沒停|不停)|"
         r"(垃圾車|回收車)[^，。]{0,16}(沒來|不來|沒有來|漏收|沒收|不收)", 3),
        (r"\bsmell|\bstink|\bdirty\b|\brats?\b", 2),
        (r"\b(bins?|rubbish|garbage|trash)\b[^.]{0,40}\b(nobody|no one|never|not)\b[^.]{0,15}"
         r"\b(empt\w*|collect\w*|clear\w*)", 3),
    ],
    "animal": [
        (r"流浪(狗|貓|犬|動物)|野狗|浪浪|動物.{0,4}(受傷|救援|屍體)|(狗|貓|犬|鳥|動物).{0,8}(受傷|被車撞|撞到|死掉|屍體|卡住|不會動|咬人|追人)", 3),
        (r"(有|一隻|一條|好幾隻|一頭).{0,3}(狗|貓|蛇|猴子|鳥|蜂窩|虎頭蜂|山羊|羊(?!肉)|牛(?!肉|排|奶|腩)|豬(?!肉|腳|排|血)|鵝(?!肉))|蛇|猴子|蜂窩|虎頭蜂|鴿子|麻雀|松鼠|烏龜|白鷺鷥|野鳥", 3),
        (r"(狗|貓|犬).{0,12}(綁|關|餓|虐|沒水|沒有水|曬|鏈)|(關|鎖|困)(著|了|住)?[^，。]{0,6}(狗|貓|犬)", 3),
        (r"(狗|貓|犬|鳥|小狗|小貓).{0,8}(卡在|困在|掉進|跌進|爬不出來|出不來)|"
         r"(puppy|dog|cat|kitten|bird)s?\b.{0,20}(stuck|trapped|can'?t (climb|get) out)", 2),
        (r"(狗|貓|犬|鳥)[^。]{0,15}(出不來|爬不出來|卡住|困住)|"
         r"\b(puppy|dog|cat|kitten|bird)s?\b[^.]{0,40}\b(stuck|trapped|can'?t (climb|get) out|"
         r"dying|screaming|crying|meowing|whimpering|yelping)\b", 2),
        (r"(狗|貓|犬|(?<!趕)(?<!驅)鳥)", 1),
        (r"(烏秋|大卷尾|喜鵲|老鷹|(?<!路)鳥)[^。]{0,24}(攻擊|啄|俯衝|衝下來)|(毒餌|下毒|放毒|毒死)[^。]{0,12}(狗|貓|流浪)|"
         r"(狗|貓|流浪)[^。]{0,12}(毒餌|被下毒|毒死)", 5),
        (r"\bwild (boars?|pigs?)\b|\bboars?\b|\bmacaques?\b|\bmonkeys\b(?! bar)|山豬(?!肉)|野豬(?!肉)|獼猴", 4),
        (r"鬣蜥|蜥蜴|鱷魚|外來種|巨蜥|\b(iguanas?|lizards?|crocodiles?|alligators?|monitor lizards?)\b", 4),
        (r"\b(dog|cat|puppy|kitten|animal|goat|bird)s?\b (is |are |has )?(been )?(down |stuck |trapped |"
         r"fallen )?(in|into|inside) (a|the|that|this) [^.]{0,30}\b(drain|drainage|channel|ditch|canal|gutter|"
         r"sewer|culvert)", 4),
        (r"stray (dog|cat|animal)s?|injured (dog|cat|animal|bird)|(dog|cat|animal|bird|pigeon).{0,20}(hit|injured|hurt|dead|chained|starv|no water|no shade|abuse|neglect)|snake|beehive|hornet|pigeon", 3),
        (r"\b(turtles?|tortoises?|terrapins?|snakes?|pythons?|cobras?)\b(?! plants?)", 3),
        (r"\b(dogs?|cats?|animals?|puppy|kitten)\b", 1),
        (r"\b(parrots?|mynas?|cockatoos?|budgies?|parakeets?|owls?|egrets?|herons?|pigeons?|crows?|sparrows?)\b", 1),
        (r"\bcan'?t (fly|get free|get loose)\b|\b(wrapped|tangled|caught|snagged) (a?round|on|in) (its|the \w+'s) "
         r"(foot|feet|leg|legs|wing|wings|neck|paw|beak)\b|\b(its|the \w+'s) (foot|feet|leg|legs|wing|wings|neck|paw|beak)\b"
         r"[^.]{0,30}\b(tangled|snagged|caught|wrapped|stuck)\b", 3),
    ],
    "drainage": [
        (r"溝仔|(溝|水溝)[^，。]{0,4}(滿出來|塞住|塞滿)|水溝|排水溝|側溝|下水道|溝蓋|積水|淹水|水淹|淹起來|排水|水退不掉|退不掉|不退|水.{0,4}(冒|湧)出來|變成小河", 3),
        (r"(堵塞|阻塞|堵住|塞住)", 1),
        (r"\b(canal|irrigation channel|creek|stream)\b", 2),
        # what is caught in a canal is the canal's (branches, bags)
        (r"\b(branches|leaves|rubbish|plastic bags|bags)\b[^.]{0,30}\b(in|blocking|clogging|across) the "
         r"(\w+ )?(canal|drain|ditch|channel|creek)\b", 4),
        (r"(blocked|clogged|overflow\w*).{0,12}(drain|gutter|sewer)|(drain|gutter|sewer).{0,20}(blocked|clogged|overflow\w*)|\bflood(ing|ed|s)?\b|standing water|water (is )?pooling|\bwater pools\b|\bpuddles?\b(?! of (?!water\b))|\bpools? of water\b", 3),
        (r"淹(到|了|過|得)|排不掉|排不出去|水排不", 3),
        (r"drain\w*|sewer|gutter|ditch", 2),
        (r"\bdrain\b[^.]{0,60}\b(blocked|clogged) with\b|\bstorm ?drains?\b[^.]{0,60}\b(blocked|clogged|"
         r"overflow\w*|flood\w*)", 3),
    ],
    "tree": [
        (r"路樹|樹倒|倒樹|樹木|樹枝|斷枝|枯樹|樹幹|行道樹|修剪|樹根|樹.{0,4}(倒|斷|擋|茂密|遮|壓|歪|傾斜)", 3),
        (r"(樹|樹枝|枝葉|樹葉).{0,12}(遮住|擋住|蓋住|遮到|擋到)", 3),
        (r"(?<![路行])樹", 1),
        # a tree by its kind (大王椰子, 木麻黃) falling, shedding or in the way
        (r"(椰子|棕櫚|木麻黃|榕樹|樟樹|鳳凰木|黑板樹|欖仁|欒樹|阿勃勒|芒果樹|龍眼樹|竹林)(?!汁|水|油|糖|凍|筍)"
         r"[^。]{0,16}(倒|斷|掉|壓|擋|垂|枯|砸|傾|歪)|"
         # bamboo bending or fallen over a road (not bamboo used to fence something in)
         r"(?<!用)(?<!拿)(竹子|竹叢|一叢竹)(?!筍)[^，。]{0,16}(倒|斷|壓到|垂|彎|傾|歪|擋到|擋住(馬路|路))|(椰子|棕櫚)(?!汁|水|油|糖|凍)[^，。]{0,4}(葉|果(?!凍))", 3),
        (r"(一|兩|幾|那|這|整)棵", 2),
        (r"fallen tree|tree (has )?fall|tree branch|branch(es)?|overgrown tree|trees?\b", 3),
    ],
    "park_facility": [
        (r"(遊具|溜滑梯|滑梯|鞦韆|蹺蹺板|翹翹板|搖搖馬|沙坑|單槓|攀爬架|涼亭|健身器材|體健設施|遊樂設施|地磚)"
         r".{0,12}(壞|損|斷|破|翹|裂|鬆|鏽|卡住|掉|凸|尖|不能|危險|歪|拱|隆起|浮起)|"
         r"(壞|斷|破|裂|鬆).{0,6}(遊具|溜滑梯|滑梯|鞦韆|翹翹板|搖搖馬|單槓|涼亭|健身器材)|步道.{0,4}(壞|破|翹)", 3),
        (r"遊具|溜滑梯|滑梯|鞦韆|蹺蹺板|翹翹板|搖搖馬|沙坑|單槓|攀爬架|涼亭|健身器材|體健設施|遊樂設施", 1),
        (r"(公園|人行道|廣場)(?!旁|附近|前面|裡面有|裡有).{0,10}(壞|損|斷|破|翹|凸|不平|鬆|(?<!死)掉)|"
         r"(車阻|阻車柱|擋車柱|鐵柱子|路擋|矮柱)[^。]{0,12}(歪|倒|斷|壞|鬆)|"
         r"(椅子|座椅|欄杆|扶手).{0,4}(壞|斷|破|鬆)", 3),
        (r"(人行道|公園|步道)[^，。]{0,6}(欄杆|扶手)[^，。]{0,4}(倒|斷|壞|歪)", 4),
        (r"(PU|ＰＵ)?(跑道|籃球場|球場|運動場|溜冰場)[^。]{0,12}(壞|破|裂|翹|凸|洞|不平|鬆|剝落)", 4),
        (r"\b(bench(es)?|seats?|railings?|handrails?|fences?|pavilion|see-?saw|climbing frame|"
         r"(fitness|exercise) (equipment|machines?))\b[^.]{0,40}\b(broken|snapped|damaged|loose|cracked|"
         r"rusted|missing|collapsed|splintered|crack|cracks|tiles?)\b|\b(broken|snapped|damaged|loose|cracked) (bench(es)?|"
         r"railings?|handrails?|seats?)\b", 3),
        (r"\bfences?\b[^.]{0,70}\b(come loose|loose|sagging|collapsed|fallen|broken)\b|\bsprinklers?\b", 3),
        (r"\b(greenway|trail|footpath|riverside walk)\b|綠園道|綠廊|步道|河堤", 1),
        (r"playground|\bslide\b|\bswings?\b|park bench|"
         r"(sidewalk|pavement|paving).{0,25}(broken|cracked|uneven|damaged|loose|lifted)", 3),
        (r"sidewalk|pavement", 1),
        (r"公園|\bpark\b", 1),
    ],
    "bus": [
        (r"公車(?!站牌?(那邊|旁邊|前面|附近|對面|這邊|下面|後面))|巴士|客運|過站不停|跳站|誤點|班次|時刻表|(搭|坐)[一二三四五六七八九十百\d]+路(?![一二三四五六七八九十]+段)|"
         r"(搭|坐)上([一二三四五六七八九十百]{2,}|\d{1,4})路(?![一二三四五六七八九十]+段)", 3),
        (r"站牌|公車站", 1),
        # the stop's own timetable or display is the bus service's (a stop said as a place is not)
        (r"(站牌|公車站)[^，。]{0,6}(時刻|班次|資訊|站名|公告|路線|動態|顯示|跑馬燈|看板)", 3),
        # a route waited for, or late, said by its number alone (等那個三十五路, 35路都不來)
        # (a numeral said alone: 大墩十一路, 五權五路 and 一路開過去 are no routes)
        (r"(等|搭上?|坐上?)(那個|那台|那班|這班|這個)?([一二三四五六七八九十百零〇兩]{2,}|\d{1,4})路(?![一二三四五六七八九十\d]*段)", 3),
        (r"(^|[，。、,\s]|那個|那台|那班|這班|這台|坐|搭|等)([一二三四五六七八九十百零〇兩]{2,}|\d{1,4})路(?![一二三四五六七八九十\d]*段)"
         r"[^。]{0,30}(才來|都不來|沒來|不來|遲到|晚到|誤點|過站|沒停|不停|跳站|提早開走)", 3),
        (r"司機", 2),
        (r"([一二三四五六七八九十百零〇兩]{2,}|\d{1,4})路(公車)?的?司機|司機[^，。]{0,6}(態度|罵|兇|唸|不理|急煞|猛踩|開走|"
         r"開很快|沒停|不停|過站)", 3),
        (r"\bbus(es)?\b(?! (stop|shelter))|bus driver|\bbus stop('s)? (sign|timetable|schedule|display|board)s?\b", 3),
        (r"\bbus (stop|shelter)\b", 1),
        (r"\bwait(ed|ing)?\b[^.]{0,30}\bbus stop\b|\bbus stop\b[^.]{0,60}\b(never (came|come|showed)|didn'?t (come|stop)|"
         r"drove (past|by|off|straight)|went (past|by|straight)|waited|waiting)\b", 3),
        (r"\broute\s*\d{1,4}\b[^.]{0,40}\b(late|delayed|early|stop|skipped|driver|didn'?t (come|stop)|"
         r"never (came|showed)|timetable|schedule)", 3),
        (r"\bdriver\b", 1),
    ],
    "illegal_construction": [
        (r"違建|違章|頂樓加蓋|加蓋|鐵皮屋|鐵皮|路霸|占用|佔用|霸占|霸佔|佔掉|占掉|佔據|攤販|"
         r"(桌子|椅子|貨|攤位).{0,6}(擺滿|占滿|佔滿)", 3),
        (r"蓋到(馬路|路上|騎樓|人行道|巷子)|(圍牆|牆|棚子|鐵架|招牌|鐵皮).{0,8}(往外|推出|蓋到|佔|占)|"
         r"搭(了)?.{0,6}(棚|鐵架|違建)|(棚子|棚架|帳篷|帆布棚)[^，。]{0,4}搭在[^，。]{0,6}(巷子|路|馬路|騎樓|人行道)", 3),
        (r"騎樓.{0,10}(堆|擺|放|占|佔|擋|圍|封|隔|包|拿來|當作|當成)|"
         r"(鋁門窗|鐵窗|鐵捲門|隔板|木板|玻璃)[^，。]{0,6}(封|圍|隔|包)(起來|住)[^。]{0,20}(騎樓|人行道|走廊|巷)", 3),
        # a gate put up across a public lane
        (r"(私自|擅自)[^，。]{0,4}(起|蓋|裝|搭|做)[^，。]{0,4}(鐵門|圍牆|柵欄|圍籬)|"
         r"(鐵門|柵欄)[^。]{0,10}(鎖起來|關起來)[^。]{0,20}(公家|公共|大家)的?路|"
         r"(巷子|巷道|通道|走道|路)[^。]{0,30}(自己|私自|擅自)?(裝|蓋|做|搭|架|加)(了)?(一)?(道|個|扇|片)?(鐵門|柵欄|圍籬|大門)"
         r"[^。]{0,30}(鎖|關|擋|繞|出不去|進不去|過不去)|"
         r"\b(put up|installed|built|added) (a|an) (\w+ )?(gate|fence|barrier)\b[^.]{0,20}\bacross\b[^.]{0,20}"
         r"\b(lane|alley|passage|path|road)\b", 3),
        # a ramp, planters or steps built out onto the road
        (r"(在|往)(馬路|路上|路面|巷子|巷道|人行道|水溝)[^，。]{0,4}(灌|砌|蓋|搭|鋪)[^，。]{0,6}(斜坡|花台|花圃|台階|階梯|平台)|"
         r"\b(built|poured|put)\b[^.]{0,20}\b(ramp|planters?|steps)\b[^.]{0,20}\b(into|onto|out into|on) the (road|street|"
         r"lane|sidewalk)\b|"
         r"(斜坡|花台|花圃|台階|階梯|平台|鐵架|圍籬)[^。]{0,12}(凸出去|凸出來|往外凸|佔到|占到|蓋到)(馬路|路|巷)?", 3),
        (r"\bbuilt (a|an) [^.]{0,30}\b(room|shed|wall|structure|extension|kitchen|deck|platform|terrace|canopy|"
         r"awning|porch|counter|shack|hut|booth|cabin|container|stall)\b[^.]{0,30}\b(into|onto|over|across|on) the (public )?(lane|road|sidewalk|alley|arcade|"
         r"street|pavement|walkway)\b|\b(tables|chairs|stalls?|goods|displays?)\b[^.]{0,30}\b(on|onto|across|over|"
         r"along|out on) (the|a) (public )?(sidewalk|pavement|arcade|walkway|road)\b", 3),
        (r"\b(built|put up|erected|added|set up|installed)\b[^.]{0,30}\b(steel|metal|iron) (frame|structure|scaffold)"
         r"\b[^.]{0,40}\b(roof|rooftop|top of the building)\b", 3),
        (r"\bwithout (a |any )?(building |planning )?(permits?|licen[cs]e|permission)\b", 1),
        (r"把[^，。]{0,6}(路邊|路|巷子|巷道|人行道|空地)[^，。]{0,3}(圍起來|圍住|佔起來|占起來)|"
         r"當(作|成)(他|他們)?(自己|自家)(家)?的?(停車位|車位|倉庫|院子)", 3),
        # a fire lane or a shared passage built over or shut
        (r"(防火巷|逃生(通道|出口|梯)|樓梯間|公共(空間|通道|走道))[^，。]{0,8}(蓋|圍|封|佔|占|搭|加蓋)"
         r"(起來|住|掉|滿|成)", 3),
        (r"illegal(ly)? (construction|building|structure|extension|addition|built)|rooftop (addition|extension|structure)", 3),
        (r"\b(build|builds|building|built|putting up|put up|adding|added)\b (an? |another |some )?(\w+ )?(rooms?|"
         r"sheds?|structure|extension|addition|house|floor|storey|story|hut|cabin|shack|something)\b[^.]{0,20}"
         r"\bon (the|our|his|her|their|my) (roof|rooftop)\b", 3),
        (r"(arcade|walkway|sidewalk).{0,20}(blocked|occupied)|\brooftop\b", 1),
        # a container or a shack set on public land and lived in or used as a shop
        (r"(貨櫃屋|貨櫃|組合屋)[^。]{0,20}(放在|擺在|佔|占|住|當)|"
         r"\b(shipping )?containers?\b[^.]{0,80}\b(green (strip|belt)|public (land|green)|verge|sidewalk|"
         r"using it (like|as))\b", 3),
        (r"\b(built|building|put up|erected|added) (an? )?(\w+ )?(extension|shed|structure|addition|"
         r"canopy|carport|enclosure|booth|shack|hut|stall)|\b(metal|tin|iron|corrugated) (roof|shed|sheeting|structure|booth|shack)|"
         r"\b(covers?|covering|blocks?|blocking|takes? up|occupies|occupying) the (whole |entire )?"
         r"(alley|lane|arcade|walkway)\b", 2),
    ],
}
_CATEGORY_RES = {
    code: [(re.compile(p, re.IGNORECASE), w) for p, w in pats]
    for code, pats in _CATEGORY_PATTERNS.items()
}


# A power cut darkens lamps too, but it is Taipower's (1911), not a broken streetlight.
_SUPPRESS = {
    code: re.compile(r"停電|沒電|斷電|跳電|power (cut|outage)|blackout|no power", re.IGNORECASE)
    for code in ("streetlight", "traffic_signal")
}


# A dead animal, or the blood one left after it was taken away, is for the cleaning squads
# (environment protection); animal protection rescues the living.
_ANIMAL_REMAINS = re.compile(
    r"(狗|貓|犬|鳥|動物|老鼠|鴿子|蛇)[^，。,.]{0,6}(屍體|(?<![快要])死(掉)?了|(已經)?被(帶走|載走|收走|清走))|"
    r"(?<![快要])死(掉)?的?(狗|貓|犬|鳥|動物|老鼠|鴿子|蛇)|屍體|"
    r"\b(dead|roadkill|carcass(es)?)\b", re.IGNORECASE)
# Still alive, killed by someone, or maybe diseased (bird flu, rabies): the animal protection
# and epidemic prevention office after all.
_ANIMAL_ALIVE = re.compile(r"還活著|還在動|還有呼吸|毒死|毒餌|下毒|放毒|虐|打死|禽流感|狂犬病|傳染|疫|病死|生病|"
                           r"\b(still alive|poison\w*|abus\w*|bird flu|avian|rabies|disease\w*)\b",
                           re.IGNORECASE)
# A parked car named only as where something is (a cat under a parked car): no parking report.
_BACKDROP = re.compile(r"\b(under|beneath|behind|between|next to|beside|on top of|in front of) (a|the|some|two) "
                       r"parked (cars?|vehicles?|trucks?|vans?|scooters?)\b|"
                       # a tree only as where a sound came from ("from the tree outside my building")
                       r"\b(heard|hear|hearing|hears)\b[^.]{0,60}\bfrom (a|the|that|this) (big |tall )?tree\b|"
                       # a playground thing only as where an animal lies ("lying on top of the slide")
                       r"\b(it'?s|it is|it was|they'?re|they are|they were)\s+(lying|sitting|sleeping|perched|curled up|"
                       r"hiding|basking|coiled)\b (on top of|on|under|in|beside|behind) (the|a) (\w+ )?(slide|swings?|bench|"
                       r"see-?saw|climbing frame)\b|"
                       r"(停著的|停在路邊的)(車|汽車|機車)(子)?(底下|下面|旁邊|後面|中間|上面)", re.IGNORECASE)
# A burst tap-water pipe is the water company's (1910, a referral), not a drain.
_TAP_WATER = re.compile(r"自來水|水管.{0,3}(破|裂|爆|漏)|(水管|管線)破|\b(water main|burst (water )?pipe)\b",
                        re.IGNORECASE)


# Words that say what a report is about, matched by sound as well: Whisper heard 工地 as 公帝
# and 吵到 as 炒到 (words of danger are dialog.emergency's). A near-exact sound only.
_BY_SOUND = ("工地", "吵到", "噪音", "施工", "路燈", "紅綠燈", "坑洞", "水溝", "垃圾", "違停",
             "積水", "路樹")
_SOUND_THRESHOLD = 0.13


@functools.lru_cache(maxsize=256)
def respelled(text: str, words: tuple[str, ...] = _BY_SOUND) -> str:
    """``text`` with ``words`` written as said where they were heard as other characters of
    the same sound (隔壁公帝…炒到沒辦法睡 → 隔壁工地…吵到沒辦法睡)."""
    for word in words:
        for i in sorted(heard_as(text, word, _SOUND_THRESHOLD), reverse=True):
            text = text[:i] + word + text[i + len(word):]
    return text


def category_scores(text: str) -> dict[str, int]:
    """Each category's score: the sum of the weights of its patterns found in ``text``; a
    category the words heard by sound (``respelled``) say more strongly counts at that score
    when it says the category on its own (3 or more: a guess by sound needs backing; 炒飯炒到
    一半 is cooking)."""
    scores = _scores(text)
    said = respelled(text)
    if said != text:
        for code, score in _scores(said).items():
            if score >= 3 and score > scores.get(code, 0):
                scores[code] = score
    return scores


def _scores(text: str) -> dict[str, int]:
    scores: dict[str, int] = {}
    text = _BACKDROP.sub(" ", text)
    for code, patterns in _CATEGORY_RES.items():
        if code in _SUPPRESS and _SUPPRESS[code].search(text):
            continue
        score = sum(w for rx, w in patterns if rx.search(text))
        if score:
            scores[code] = score
    if "animal" in scores and _ANIMAL_REMAINS.search(text) and not _ANIMAL_ALIVE.search(text):
        del scores["animal"]
        scores["sanitation"] = scores.get("sanitation", 0) + 3
    if "drainage" in scores and _TAP_WATER.search(text):
        del scores["drainage"]
    if "tree" in scores and _BLOCKED_WATERWAY.search(text) and not _TREE_ITSELF.search(text):
        # branches and leaves choking a channel: the channel is the case (水利局)
        scores["drainage"] = max(scores.get("drainage", 0), scores.pop("tree") + 1)
    return scores


_BLOCKED_WATERWAY = re.compile(
    r"\b(channel|canal|ditch|drain|creek|gutter)s? (is |are )?(all |completely )?(blocked|clogged)\b|"
    r"(水溝|排水溝|溝仔|溝渠|溝)[^，。]{0,6}(塞住|堵住|塞滿|堵塞)", re.IGNORECASE)
# …unless a tree itself is the matter (a tree fallen across it, one to be trimmed)
_TREE_ITSELF = re.compile(r"樹倒|倒樹|路樹|行道樹|整棵|\b(fallen tree|tree (has )?fall\w*|trees? (fell|down))\b",
                          re.IGNORECASE)


_DENIED = re.compile(r"(不是|並不是|而不是)[^，,。!?！？]{1,8}")


def _first_match(code: str, text: str) -> int:
    starts = [m.start() for rx, _w in _CATEGORY_RES[code] if (m := rx.search(text))]
    return min(starts, default=len(text))


# 我要報修路燈，喔不對，是紅綠燈: what follows the correction is what the caller means.
_CORRECTION = re.compile(r"((喔|哦|啊|呃|欸|唉|阿|嗯)[，, ]?(不對|不是|講錯了?|說錯了?)(?!勁)|"
                         r"[，,。 ](不對|講錯了?|說錯了?)(?!勁)|我是說|更正一下)[，,。 ]*"
                         r"((不對|不是)[^，,。]{0,8}[，,。 ]*)*(是|應該是|應該說|改成)?")


def best_category(text: str) -> tuple[str | None, float, int]:
    """(category, confidence 0..1, raw score) by the keyword rules."""
    corrections = list(_CORRECTION.finditer(text))
    if corrections and max(category_scores(_DENIED.sub("", text[corrections[-1].end():])).values(),
                           default=0) >= 2:
        text = text[corrections[-1].end():]
    scores = category_scores(_DENIED.sub("", text))  # 是紅綠燈，不是路燈
    if not scores:
        return None, 0.0, 0
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if score == second:
        # A tie: the thing named first is usually the subject (a puppy stuck in a drain).
        tied = [code for code, s in ranked if s == score]
        first = min(tied, key=lambda code: _first_match(code, text))
        return first, 0.3, score
    confidence = min(1.0, score / 3) * (1 - second / (score + 1))
    return top, round(confidence, 2), score


# The answer to the choice question (phrases "ask_category_choice"): the names it offers, as a
# caller says them back (是路燈啦, the bus one). Only names: a description goes to best_category.
_CHOICES: dict[str, re.Pattern[str]] = {code: re.compile(rx, re.IGNORECASE) for code, rx in {
    "road_damage": r"道路|馬路|路面|坑|\broads?\b|pot ?holes?",
    "streetlight": r"路燈|街燈|street ?(lights?|lamps?)|\blamps?\b",
    "traffic_signal": r"紅綠燈|號誌|traffic ?(lights?|signals?)",
    "illegal_parking": r"停車|違停|\bparking\b|\bparked\b",
    "noise": r"噪音|吵|\bnois(e|y)\b|\bloud\b",
    "sanitation": r"垃圾|環境|髒|衛生|\b(rubbish|garbage|trash|litter|dirty)\b",
    "animal": r"動物|狗|貓|\b(animals?|dogs?|cats?)\b",
    "drainage": r"水溝|排水|積水|淹水|\b(drains?|drainage|flood(ing|ed)?|gutters?)\b",
    "tree": r"樹|\btrees?\b",
    "park_facility": r"公園|人行道|遊樂|\b(parks?|sidewalks?|pavements?|playgrounds?|benches)\b",
    "bus": r"公車|客運|\bbus(es)?\b",
    "illegal_construction": r"違建|違章|加蓋|illegal (building|construction|structure)|\bbuilding\b",
}.items()}
_CHOICE_OTHER = re.compile(r"其他|其它|別的|都不是|都沒有|\b(something else|other|none)\b",
                           re.IGNORECASE)
_CHOICE_BY_SOUND = ("道路", "路燈", "紅綠燈", "停車", "噪音", "垃圾", "動物", "水溝", "公園",
                    "公車", "違建")
CHOSE_OTHER = "other"
_FILLERS = re.compile(r"(\W|是|就是|嗯|呃|那個|這個|喔|啊|對|應該是|算是|it'?s|the|a|an|um|uh)*",
                      re.IGNORECASE)
# A name that only says where the thing is: 公園旁邊的路燈, 停車場的, 樹義路那邊
_ONLY_WHERE = re.compile(r"(旁邊|旁|附近|前面|後面|對面|裡面|上|邊|場|的|[\u4e00-\u9fff]{0,2}(路|街|巷))")


def chosen_category(answer: str) -> str | None:
    """The category a caller picked from the choice question, ``CHOSE_OTHER`` for "none of
    those", or None. Two names picked: the first said (是路燈，不是紅綠燈 has one)."""
    # a short answer is all the evidence: 路等 is 路燈
    text = respelled(_DENIED.sub("", answer), _CHOICE_BY_SOUND)
    found = {code: m for code, rx in _CHOICES.items() if (m := rx.search(text))}
    named = [code for code, m in found.items() if not _ONLY_WHERE.match(text, m.end())]
    lead = len(_FILLERS.match(text).group(0))  # type: ignore[union-attr]
    first = [code for code in named if found[code].start() == lead]
    if first:
        return first[0]  # 路燈，在公車站牌旁邊: the name said first is the answer
    described, _conf, score = best_category(answer)
    if described is not None and score >= 2:
        return described  # a description, not a name: 大卡車停在紅線上…公車過不去 is parking
    if named or found:
        return min(named or found, key=lambda code: found[code].start())
    return CHOSE_OTHER if _CHOICE_OTHER.search(text) else None
